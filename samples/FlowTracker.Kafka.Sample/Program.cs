using FlowTracker.Kafka.Sample;

// For now the sample prints every trace as FLOW_LOG (the console exporter, as in the Go library);
// the Kafka exporter replaces it once it exists.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddFlowTracker();

var app = builder.Build();
app.UseFlowTracker();
app.MapGet("/api/checkout", CheckoutEndpoint.HandleAsync);
app.Run();
