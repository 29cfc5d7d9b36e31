package org.drvsim.shell.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.ExecutionException;
import org.apache.felix.service.command.CommandProcessor;

/**
 * One line for a failed command: what is wrong, in the words of the command that failed, without Java class names.
 * Wrong arguments add the command's usage (Gogo's help for it) on the following lines.
 */
final class ShellErrors {
    private ShellErrors() {
    }

    /** The exception a command's failure is about, unwrapped from reflection and execution wrappers. */
    static Throwable cause(Throwable e) {
        Throwable t = e;
        while ((t instanceof InvocationTargetException || t instanceof ExecutionException
                || (t.getMessage() == null && !(t instanceof StackOverflowError))) && t.getCause() != null
                && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** What is wrong, one line where the exception has one; no class names but for a bug with no message. */
    static String describe(Throwable e) {
        Throwable t = cause(e);
        if (t instanceof InterruptedException || t instanceof java.util.concurrent.CancellationException) {
            return "interrupted";
        }
        if (t instanceof StackOverflowError) {
            return "stack overflow (a bug; the log has the stack)";
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return "internal error " + t.getClass().getSimpleName() + " (a bug; the log has the stack)";
        }
        return m;
    }

    /**
     * What is wrong with {@code command}: an unknown command, wrong arguments (with the command's usage), or the
     * command's own message.
     */
    static String describe(CommandProcessor processor, Throwable e, String command) {
        Throwable t = cause(e);
        String name = command.strip().split("\\s+", 2)[0];
        String m = t.getMessage() == null ? "" : t.getMessage();
        if (t.getClass().getName().endsWith("CommandNotFoundException")) {
            String missing = m.startsWith("Command not found: ") ? m.substring("Command not found: ".length()) : name;
            return "unknown command '" + missing + "' ('help' lists the commands)";
        }
        if (m.startsWith("Cannot coerce ")) {
            String usage = processor == null ? "" : ShellCommands.usage(processor, name);
            return "wrong arguments for " + name + (usage.isEmpty() ? "" : "; usage:\n" + usage);
        }
        return describe(t);
    }
}
