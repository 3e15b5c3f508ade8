package dev.cutover.agent.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.agent.process.Listeners.Address;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListenersTest {

    @Test
    void listeningRowsOfBothTablesAreReadWithTheirAddresses() {
        String v4 = "   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4711 1 "
                + "0000000000000000 100 0 0 10 0";
        String v6any = "   0: 00000000000000000000000000000000:815F 00000000000000000000000000000000:0000 0A "
                + "00000000:00000000 00:00000000 00000000     0        0 4712 1 0000000000000000 100 0 0 10 0";
        String v6loop = "   1: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A "
                + "00000000:00000000 00:00000000 00000000     0        0 4713 1 0000000000000000 100 0 0 10 0";
        String v4mapped = "   2: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A "
                + "00000000:00000000 00:00000000 00000000     0        0 4714 1 0000000000000000 100 0 0 10 0";
        String established = "   4: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0  "
                + "      0 4715 1 0000000000000000 20 4 30 10 -1";
        Set<String> ours = Set.of("4711", "4712", "4713", "4714", "4715");

        assertThat(Listeners.parseListening(v4, ours)).isEqualTo(new Address("127.0.0.1", 8080));
        assertThat(Listeners.parseListening(v6any, ours)).isEqualTo(new Address("::", 33119));
        assertThat(Listeners.parseListening(v6loop, ours)).hasToString("[::1]:3000");
        assertThat(Listeners.parseListening(v4mapped, ours)).isEqualTo(new Address("127.0.0.1", 8080));
        assertThat(Listeners.parseListening(established, ours)).isNull();
        assertThat(Listeners.parseListening(v4, Set.of("1"))).isNull();
    }

    @Test
    void whatReachesLoopback() {
        assertThat(new Address("0.0.0.0", 1).reachableFromLoopback()).isTrue();
        assertThat(new Address("127.0.0.1", 1).reachableFromLoopback()).isTrue();
        assertThat(new Address("::", 1).reachableFromLoopback()).isTrue();
        assertThat(new Address("::1", 1).reachableFromLoopback()).isFalse();
        assertThat(new Address("10.0.0.5", 1).reachableFromLoopback()).isFalse();
    }

    @Test
    void zeroGroupsAreCompressedAsUsual() {
        assertThat(Listeners.compress("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(Listeners.compress("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(Listeners.compress("fe80:0:0:0:1:0:0:2")).isEqualTo("fe80::1:0:0:2");
        assertThat(Listeners.compress("2001:db8:1:0:1:2:3:4")).isEqualTo("2001:db8:1:0:1:2:3:4");
    }

    @Test
    void aSocketThisJvmListensOnIsFoundUnderItsProcessGroup() throws IOException {
        long pgid = ProcFs.stat(ProcessHandle.current().pid()).orElseThrow().pgrp();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(Listeners.of(pgid)).contains(new Address("127.0.0.1", s.getLocalPort()));
        }
        assertThat(Listeners.of(Integer.MAX_VALUE)).isEmpty();
    }
}
