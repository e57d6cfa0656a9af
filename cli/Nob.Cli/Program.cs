using Nob.Cli;

return await NobCommand.RunAsync(args, Console.Out, Console.Error);
