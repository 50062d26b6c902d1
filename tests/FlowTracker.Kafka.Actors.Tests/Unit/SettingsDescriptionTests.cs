using FlowTracker.Kafka.Actors.Diagnostics;

namespace FlowTracker.Kafka.Actors.Tests.Unit;

public sealed class SettingsDescriptionTests
{
    [Theory]
    [InlineData("sasl.password", true)]
    [InlineData("ssl.key.password", true)]
    [InlineData("ssl.keystore.password", true)]
    [InlineData("sasl.oauthbearer.client.secret", true)]
    [InlineData("SSL.TRUSTSTORE.PASSWORD", true)]
    [InlineData("vendor.api.secret", true)]
    [InlineData("sasl.username", false)]
    [InlineData("bootstrap.servers", false)]
    public void IsSecret_KnownSecretsAndAnyPasswordOrSecretKey(string key, bool secret)
    {
        Assert.Equal(secret, SettingsDescription.IsSecret(key));
    }
}
