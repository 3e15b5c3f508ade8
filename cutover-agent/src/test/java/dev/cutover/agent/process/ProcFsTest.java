package dev.cutover.agent.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcFsTest {

    @Test
    void aCommandNameWithSpacesAndParenthesesIsParsed() {
        String line = "4242 (we (ir) d) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 0 0";

        ProcStat s = ProcFs.parse(line);

        assertThat(s).isEqualTo(new ProcStat(4242, 'S', 1, 4242, 4242, 987654, 3, 10));
    }

    @Test
    void thisJvmIsFoundWithAStartTime() {
        ProcStat self = ProcFs.stat(ProcessHandle.current().pid()).orElseThrow();

        assertThat(self.startTime()).isPositive();
        assertThat(self.exited()).isFalse();
        assertThat(ProcFs.startInstant(self.startTime())).isNotNull();
    }

    @Test
    void signalNamesParseWithOrWithoutSig() {
        assertThat(Signal.parse("INT")).isEqualTo(Signal.INT);
        assertThat(Signal.parse("SIGTERM")).isEqualTo(Signal.TERM);
        assertThat(Signal.parse("kill")).isEqualTo(Signal.KILL);
        assertThatThrownBy(() -> Signal.parse("BOOM"))
                .hasMessage("stopSignals: BOOM (expected: one of HUP, INT, QUIT, KILL, USR1, USR2, TERM)");
    }

    @Test
    void exitValuesAbove128AreSignals() {
        assertThat(ExitStatus.fromExitValue(1).describe()).isEqualTo("exited: code 1");
        assertThat(ExitStatus.fromExitValue(137).describe()).isEqualTo("killed by signal 9");
        assertThat(new ExitStatus.Unknown().describe()).isEqualTo("exited: status unknown (adopted process)");
    }
}
