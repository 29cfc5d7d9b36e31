package org.drvsim.test;

import org.drvsim.kernel.Trace;

/** Entry point of the kit's AssertJ assertions; import it statically beside AssertJ's {@code assertThat}. */
public final class DrvsimAssertions {
    private DrvsimAssertions() {
    }

    /** @return assertions on the whole trace; narrow them with {@code forDevice} or {@code forDriver} */
    public static TraceAssert assertThat(Trace trace) {
        return new TraceAssert(trace, e -> true, "");
    }
}
