
namespace FlowTracker.Kafka.Sample;

/// <summary>
/// The Go FlowTracker's example handler: payment, a database read, and a shipping call with a
/// nested weight calculation. <c>?latencyMs=0</c> turns the simulated latency off for load tests.
/// </summary>
internal static class CheckoutEndpoint
{
    public static async Task<IResult> HandleAsync(int? latencyMs, CancellationToken cancellationToken)
    {
        var latency = Math.Clamp(latencyMs ?? 20, 0, 5_000);

        using (Flow.StartSpan("Process Payment"))
        {
            Flow.AddTag("currency", "USD");
            await SimulateAsync(latency, cancellationToken);
        }

        using (Flow.StartSpan("DB: Select User"))
        {
            Flow.AddTag("db.query", "SELECT * FROM users WHERE id = ?");
            await SimulateAsync(latency / 2, cancellationToken);
        }

        using (Flow.StartSpan("HTTP: Shipping Service"))
        {
            await SimulateAsync(latency, cancellationToken);
            using (Flow.StartSpan("Calculate Weight"))
            {
                await SimulateAsync(latency / 4, cancellationToken);
            }
        }

        return Results.Ok(new { status = "ordered" });
    }

    private static Task SimulateAsync(int milliseconds, CancellationToken cancellationToken) =>
        milliseconds == 0 ? Task.CompletedTask : Task.Delay(milliseconds, cancellationToken);
}
