package org.drvsim.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.Test;

public class FaultArgumentsTest {
    private static final Set<String> SUPPORTED = Set.of("interruptStorm", "failDma");

    @Test
    public void theKebabCaseSpellingOfAKnownFaultMeansThatFault() {
        assertThat(FaultArguments.parse(List.of("interrupt-storm"), SUPPORTED))
                .isEqualTo(new FaultArguments.Arm(org.drvsim.hw.FaultRule.always("interruptStorm")));
        assertThat(FaultArguments.parse(List.of("interrupt-storm", "off"), SUPPORTED))
                .isEqualTo(new FaultArguments.Disarm("interruptStorm"));
        assertThatThrownBy(() -> FaultArguments.parse(List.of("interrupt-squall"), SUPPORTED))
                .hasMessageContaining("unknown fault 'interrupt-squall'");
    }
}
