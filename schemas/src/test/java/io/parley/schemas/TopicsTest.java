package io.parley.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.schemas.events.SendCommand;
import io.parley.schemas.events.SequencedMessage;
import io.parley.schemas.topics.Topics;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void shouldNameRoomTopicsSoThePatternSubscriptionSeesThem() {
        String topic = Topics.room("abc_1").name();

        assertThat(topic).isEqualTo("persistent://parley/rooms/r.abc_1");
        assertThat(Pattern.matches(Topics.ROOMS_PATTERN, topic)).isTrue();
        assertThat(Topics.roomIdOf(topic)).isEqualTo("abc_1");
        assertThat(Topics.roomIdOf(topic + "-partition-3")).isEqualTo("abc_1");
    }

    @Test
    void shouldRefuseIdsThatWouldBreakATopicName() {
        assertThatThrownBy(() -> Topics.room("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.delivery("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripEventsThroughTheirTopic() {
        SequencedMessage m =
                new SequencedMessage("r", 1, "id", "a", "d", "gw1", "c", "b", null, 4L, 5, 6, 7);
        SendCommand s = new SendCommand("r", "a", "d", "gw1", "c", "b", null, null, 1, 2);

        assertThat(Topics.MESSAGES.decode(Topics.MESSAGES.encodeBytes(m))).isEqualTo(m);
        assertThat(Topics.room("r").decode(Topics.room("r").encode(s))).isEqualTo(s);
        assertThat(m.docId()).isEqualTo("r:1");
        assertThat(SequencedMessage.bucketOf(999)).isZero();
        assertThat(SequencedMessage.bucketOf(1000)).isEqualTo(1);
    }
}
