// The execution page's live view: polls the console's JSON about once a second and updates the graph's state classes,
// the Map iteration counts, the status, the history table and the output, until the execution ends. No reload.
(function () {
  "use strict";
  var root = document.getElementById("execution");
  if (!root) { return; }
  var api = root.getAttribute("data-api");
  var statuses = ["not-reached", "running", "succeeded", "failed", "caught"];

  function setStateClass(node, status) {
    var classes = (node.getAttribute("class") || "").split(/\s+/).filter(function (c) {
      return c && statuses.indexOf(c) < 0 && c !== "current";
    });
    classes.push(status);
    if (status === "running") { classes.push("current"); }
    node.setAttribute("class", classes.join(" "));
  }

  function render(data) {
    var nodes = document.querySelectorAll("g.state[data-state]");
    for (var i = 0; i < nodes.length; i++) {
      var name = nodes[i].getAttribute("data-state");
      setStateClass(nodes[i], data.states[name] || "not-reached");
    }
    var counters = document.querySelectorAll("text[data-iterations]");
    for (var j = 0; j < counters.length; j++) {
      var text = data.iterations[counters[j].getAttribute("data-iterations")];
      if (text) { counters[j].textContent = text; }
    }
    var status = document.getElementById("status");
    status.textContent = data.status;
    status.setAttribute("class", "status " + data.status.toLowerCase());
    document.getElementById("stopped").textContent = data.stopped;
    document.getElementById("error").textContent = data.error;
    document.getElementById("output").textContent = data.output;
    var body = document.querySelector("#history tbody");
    for (var k = body.rows.length; k < data.events.length; k++) {
      var row = body.insertRow(-1);
      for (var c = 0; c < data.events[k].length; c++) {
        row.insertCell(-1).textContent = data.events[k][c];
      }
    }
    root.setAttribute("data-running", data.running ? "true" : "false");
  }

  function poll() {
    fetch(api, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        render(data);
        if (data.running) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  if (root.getAttribute("data-running") === "true") { window.setTimeout(poll, 1000); }
}());
