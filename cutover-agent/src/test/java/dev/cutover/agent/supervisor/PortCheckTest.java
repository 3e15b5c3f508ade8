package dev.cutover.agent.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.agent.process.Listeners.Address;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PortCheckTest {

    @Test
    void eachWayOfMissingThePortIsNamedWithWhatToDo() {
        assertThat(PortCheck.explain(41234, List.of()))
                .isEqualTo("no process of the instance listens on a TCP port yet; it should listen on PORT, 41234");
        assertThat(PortCheck.explain(41234, List.of(new Address("0.0.0.0", 3000), new Address("::", 3001))))
                .isEqualTo("it listens on 0.0.0.0:3000, [::]:3001, not on its PORT, 41234: take the port to listen "
                        + "on from the PORT variable");
        assertThat(PortCheck.explain(41234, List.of(new Address("::1", 41234), new Address("10.1.2.3", 41234))))
                .isEqualTo("it listens on [::1]:41234, 10.1.2.3:41234, which 127.0.0.1 does not reach: listen on "
                        + "0.0.0.0 (or :: for IPv6 as well)");
        assertThat(PortCheck.explain(41234, List.of(new Address("1.1.1.1", 1), new Address("1.1.1.1", 2),
                new Address("1.1.1.1", 3), new Address("1.1.1.1", 4), new Address("1.1.1.1", 5))))
                .startsWith("it listens on 1.1.1.1:1, 1.1.1.1:2, 1.1.1.1:3 and 2 more, not on its PORT");
    }

    @Test
    void listeningOnThePortNowSaysNothing() {
        assertThat(PortCheck.explain(8080, List.of(new Address("0.0.0.0", 8080)))).isNull();
        assertThat(PortCheck.explain(8080, List.of(new Address("127.0.0.1", 8080), new Address("::1", 8080))))
                .isNull();
    }

    @Test
    void procIsReadAtMostOnceEveryTwoSecondsAndNotWithoutAProcess() {
        AtomicInteger reads = new AtomicInteger();
        PortCheck check = new PortCheck(pgid -> {
            reads.incrementAndGet();
            return List.of(new Address("0.0.0.0", 3000));
        });

        assertThat(check.refused(0, 8080)).isNull();
        PortCheck fresh = new PortCheck(pgid -> {
            reads.incrementAndGet();
            return List.of(new Address("0.0.0.0", 3000));
        });
        String first = fresh.refused(42, 8080);
        String second = fresh.refused(42, 8080);

        assertThat(first).startsWith("it listens on 0.0.0.0:3000").isEqualTo(second);
        assertThat(reads).hasValue(1);
    }
}
