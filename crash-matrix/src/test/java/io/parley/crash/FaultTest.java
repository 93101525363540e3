package io.parley.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultTest {
    @Test
    void shouldRunTheEdgeTheBrokerAndRedisByDefault() {
        assertThat(Fault.parse(null)).containsExactly(Fault.EDGE, Fault.BROKER, Fault.REDIS);
        assertThat(Fault.parse(" ")).containsExactly(Fault.EDGE, Fault.BROKER, Fault.REDIS);
    }

    @Test
    void shouldRunAllSixForAll() {
        assertThat(Fault.parse("all"))
                .containsExactly(
                        Fault.EDGE,
                        Fault.BROKER,
                        Fault.FLINK,
                        Fault.CASSANDRA,
                        Fault.REDIS,
                        Fault.ELASTICSEARCH);
    }

    @Test
    void shouldKeepTheGivenOrderAndAcceptComponentNames() {
        assertThat(Fault.parse("es, pulsar,Cassandra"))
                .containsExactly(Fault.ELASTICSEARCH, Fault.BROKER, Fault.CASSANDRA);
    }

    @Test
    void shouldCountTheBrokerBackWhenItsFunctionsAre() {
        assertThat(Fault.BROKER.component).isEqualTo("pulsar");
        assertThat(Fault.BROKER.readyAs).isEqualTo("functions");
    }

    @Test
    void shouldRefuseAnUnknownNameListingTheKnownOnes() {
        assertThatThrownBy(() -> Fault.parse("edge,zookeeper"))
                .hasMessageContaining("zookeeper")
                .hasMessageContaining("elasticsearch");
    }
}
