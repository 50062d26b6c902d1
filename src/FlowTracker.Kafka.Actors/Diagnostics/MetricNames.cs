namespace FlowTracker.Kafka.Actors.Diagnostics;

/// <summary>
/// The exporter's instrument and attribute names, in one place: the README's table and the tests name the same.
/// The <c>messaging.*</c> and <c>error.type</c> names are OpenTelemetry's semantic conventions for messaging
/// clients; the exporter's own facts live under <c>flowtracker.kafka.*</c>.
/// </summary>
internal static class MetricNames
{
    public const string SentMessages = "messaging.client.sent.messages";
    public const string OperationDuration = "messaging.client.operation.duration";

    public const string TracesExported = "flowtracker.kafka.traces.exported";
    public const string TracesDelivered = "flowtracker.kafka.traces.delivered";
    public const string TracesDropped = "flowtracker.kafka.traces.dropped";
    public const string TracesFailed = "flowtracker.kafka.traces.failed";
    public const string BufferTraces = "flowtracker.kafka.buffer.traces";
    public const string BufferBytes = "flowtracker.kafka.buffer.bytes";
    public const string RecordsInFlight = "flowtracker.kafka.records.in_flight";
    public const string PossibleDuplicates = "flowtracker.kafka.records.possible_duplicates";
    public const string TracesSplit = "flowtracker.kafka.traces.split";
    public const string SplitParts = "flowtracker.kafka.records.split_parts";
    public const string TruncatedSpans = "flowtracker.kafka.spans.truncated";
    public const string ProducerRestarts = "flowtracker.kafka.producer.restarts";
    public const string SkippedMeasurements = "flowtracker.kafka.metrics.skipped_measurements";

    // The durable spool's (KafkaExporterOptions.SpoolDirectory), only while it is on.
    public const string TracesRecovered = "flowtracker.kafka.traces.recovered";
    public const string TracesLeftInSpool = "flowtracker.kafka.traces.left_in_spool";
    public const string TracesNotSpooled = "flowtracker.kafka.traces.not_spooled";
    public const string SpoolBytes = "flowtracker.kafka.spool.bytes";
    public const string SpoolDegraded = "flowtracker.kafka.spool.degraded";

    // librdkafka's statistics (KafkaExporterOptions.StatisticsInterval), named after its fields where they have one.
    public const string ProducerQueueMessages = "flowtracker.kafka.producer.queue.messages";
    public const string ProducerQueueBytes = "flowtracker.kafka.producer.queue.bytes";
    public const string BrokerRttAverage = "flowtracker.kafka.broker.rtt.average";
    public const string BrokerRttP99 = "flowtracker.kafka.broker.rtt.p99";
    public const string BrokerThrottleAverage = "flowtracker.kafka.broker.throttle.average";
    public const string BrokerRequestsInFlight = "flowtracker.kafka.broker.requests.in_flight";
    public const string BrokerRequestsQueued = "flowtracker.kafka.broker.requests.queued";
    public const string BrokerMessagesQueued = "flowtracker.kafka.broker.messages.queued";
    public const string BrokerRequestsSent = "flowtracker.kafka.broker.requests.sent";
    public const string BrokerRequestErrors = "flowtracker.kafka.broker.requests.errors";
    public const string BrokerRequestRetries = "flowtracker.kafka.broker.requests.retries";
    public const string BrokerBytesSent = "flowtracker.kafka.broker.bytes.sent";

    public const string MessagingSystem = "messaging.system";
    public const string OperationName = "messaging.operation.name";
    public const string OperationType = "messaging.operation.type";
    public const string DestinationName = "messaging.destination.name";
    public const string ErrorType = "error.type";
    public const string DropReasonAttribute = "flowtracker.kafka.drop.reason";
    public const string BrokerId = "flowtracker.kafka.broker.id";
    public const string BrokerName = "flowtracker.kafka.broker.name";
}
