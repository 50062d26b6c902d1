using FlowTracker.Kafka.Sample;

// dotnet run --project samples/FlowTracker.Kafka.Sample                  serve GET /api/checkout (Ctrl+C flushes and stops)
// dotnet run --project samples/FlowTracker.Kafka.Sample -- --demo 20     send 20 requests, read the traces back, draw them
// dotnet run --project samples/FlowTracker.Kafka.Sample -- --tail        draw traces from a real cluster's topic as they arrive
// dotnet run --project samples/FlowTracker.Kafka.Sample -- --help        the switches; a wrong one is named on stderr, exit code 2
return await SampleApp.RunAsync(args, Console.Out, Console.Error);
