using Akka.Streams.Supervision;
using Confluent.Kafka;
using FlowTracker.Kafka.Actors.Stages;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

/// <summary>The default classification of Kafka errors, as an Akka.Streams supervision decider.</summary>
public sealed class ProducerDeciderTests
{
    [Theory]
    [InlineData(ErrorCode.OutOfOrderSequenceNumber)]
    [InlineData(ErrorCode.UnknownProducerId)]
    [InlineData(ErrorCode.InvalidProducerEpoch)]
    [InlineData(ErrorCode.ProducerFenced)]
    [InlineData(ErrorCode.ClusterAuthorizationFailed)]
    [InlineData(ErrorCode.Local_Fatal)]
    [InlineData(ErrorCode.Local_Inconsistent)]
    public void CodesAnIdempotentProducerDiesOf_Restart(ErrorCode code)
    {
        Assert.Equal(Directive.Restart, ProducerDecider.Default(new KafkaException(new Error(code))));
    }

    [Fact]
    public void AnyErrorFlaggedFatal_Restart()
    {
        Assert.Equal(Directive.Restart, ProducerDecider.Default(new KafkaException(new Error(ErrorCode.NotEnoughReplicas, "fatal", isFatal: true))));
    }

    [Theory]
    [InlineData(ErrorCode.TopicAuthorizationFailed)]
    [InlineData(ErrorCode.TopicException)]
    [InlineData(ErrorCode.UnknownTopicOrPart)]
    [InlineData(ErrorCode.Local_UnknownTopic)]
    [InlineData(ErrorCode.MsgSizeTooLarge)]
    [InlineData(ErrorCode.Local_MsgTimedOut)]
    [InlineData(ErrorCode.NotEnoughReplicas)]
    public void PermanentForTheRecordOrTopic_Resume(ErrorCode code)
    {
        Assert.Equal(Directive.Resume, ProducerDecider.Default(new KafkaException(new Error(code))));
    }

    [Fact]
    public void AnExceptionThatIsNotKafkas_ResumePastThatRecord()
    {
        Assert.Equal(Directive.Resume, ProducerDecider.Default(new ArgumentException("bad header")));
        Assert.Equal(ErrorCode.Local_Application, ProducerDecider.CodeOf(new ArgumentException("bad header")));
    }

    [Theory]
    [InlineData(ErrorCode.TopicAuthorizationFailed, false)]
    [InlineData(ErrorCode.TopicException, false)]
    [InlineData(ErrorCode.MsgSizeTooLarge, false)]
    [InlineData(ErrorCode.Local_UnknownTopic, false)]
    [InlineData(ErrorCode.Local_QueueFull, false)]
    [InlineData(ErrorCode.NotEnoughReplicas, true)]
    [InlineData(ErrorCode.OutOfOrderSequenceNumber, true)]
    public void ProduceThrowsABrokerCode_OnlyATopicOrRecordCodeIsNotTheProducersFatalState(ErrorCode code, bool fatal)
    {
        var thrown = ProducerDecider.FromProduce(new KafkaException(new Error(code)));

        Assert.Equal(fatal, ((KafkaException)thrown).Error.IsFatal || ProducerDecider.IsFatal(((KafkaException)thrown).Error));
        Assert.Equal(code, ((KafkaException)thrown).Error.Code);
    }
}
