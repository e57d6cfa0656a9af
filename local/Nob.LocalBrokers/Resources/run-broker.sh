#!/bin/sh
# Runs one ActiveMQ JVM for nob's local brokers (written out by Nob.LocalBrokers; do not edit).
# usage: run-broker.sh LOGFILE PIDFILE JAVA [ARGS...]
# The JVM's output goes to LOGFILE. A watchdog reads our stdin, a pipe whose other end only the owning .NET process holds:
# at end of file (the owner stopped the broker, or died in any way) it sends SIGTERM (ActiveMQ shuts down gracefully),
# then SIGKILL after 10 s. So the broker never outlives its owner.
# umask 077: what the JVM writes (its message store, the pid file) is its owner's only, like the rest of nob's state.
umask 077
log="$1"
pidfile="$2"
shift 2
exec 3<&0 </dev/null >>"$log" 2>&1
"$@" 3<&- &
child=$!
echo "$child" > "$pidfile"
(
  while read -r _ <&3; do :; done
  kill -TERM "$child" 2>/dev/null
  i=0
  while kill -0 "$child" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL "$child" 2>/dev/null
) &
watchdog=$!
exec 3<&-
wait "$child"
rc=$?
kill "$watchdog" 2>/dev/null
echo "run-broker.sh: java exited with code $rc"
exit "$rc"
