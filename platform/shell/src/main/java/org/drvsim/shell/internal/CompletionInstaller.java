package org.drvsim.shell.internal;

import org.jline.reader.impl.LineReaderImpl;
import org.osgi.framework.BundleContext;

/** Wraps gogo.jline's completer with drvsim's {@link ArgumentCompleter}; kept apart so JLine is loaded only here. */
final class CompletionInstaller {
    private CompletionInstaller() {
    }

    /** @return whether the reader now completes drvsim's arguments */
    static boolean install(Object reader, BundleContext context) {
        if (!(reader instanceof LineReaderImpl r)) {
            return false;
        }
        if (!(r.getCompleter() instanceof ArgumentCompleter)) {
            r.setCompleter(new ArgumentCompleter(r.getCompleter(), context));
        }
        return true;
    }
}
