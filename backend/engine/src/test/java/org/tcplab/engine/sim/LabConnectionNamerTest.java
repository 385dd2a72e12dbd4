package org.tcplab.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.wire.Ipv4Address;

class LabConnectionNamerTest {

    private static final Ipv4Address C = Ipv4Address.CLIENT_DEFAULT;
    private static final Ipv4Address S = Ipv4Address.SERVER_DEFAULT;
    private final LabConnectionNamer namer = new LabConnectionNamer();

    @Test
    void bothEndsOfAConnectionShareOneIdGivenInOrderOfFirstAppearance() {
        ConnectionKey fromClient = new ConnectionKey(C, 40000, S, 80);
        assertThat(namer.find(fromClient)).as("looking does not name").isNull();
        assertThat(namer.name(HostName.CLIENT, fromClient)).isEqualTo("1");
        assertThat(namer.name(HostName.SERVER, fromClient.reversed())).isEqualTo("1");
        assertThat(namer.name(HostName.SERVER, new ConnectionKey(S, 80, C, 40001)))
                .isEqualTo("2");
        assertThat(namer.name(HostName.CLIENT, fromClient)).isEqualTo("1");
        assertThat(namer.find(fromClient.reversed())).isEqualTo("1");
        assertThat(namer.ids()).containsExactly("1", "2");
    }

    @Test
    void anIdGivesBackTheTupleFromEitherEnd() {
        ConnectionKey fromServer = new ConnectionKey(S, 80, C, 40000);
        String id = namer.name(HostName.SERVER, fromServer);
        assertThat(namer.key(id, S)).isEqualTo(fromServer);
        assertThat(namer.key(id, C)).isEqualTo(fromServer.reversed());
    }

    @Test
    void simultaneousOpenBetweenEqualPortsIsStillOneConnection() {
        ConnectionKey k = new ConnectionKey(C, 5000, S, 5000);
        assertThat(namer.name(HostName.CLIENT, k)).isEqualTo(namer.name(HostName.SERVER, k.reversed()));
        assertThat(namer.key("1", S)).isEqualTo(k.reversed());
    }

    @Test
    void unknownIdsAreBadInput() {
        namer.name(HostName.CLIENT, new ConnectionKey(C, 1, S, 2));
        for (String bad : new String[] {"0", "2", "x", "", "-1"}) {
            assertThatThrownBy(() -> namer.key(bad, C))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown connection");
        }
    }
}
