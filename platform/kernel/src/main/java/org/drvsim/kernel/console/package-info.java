/**
 * Text output of the shell commands that every drvsim bundle shares: {@link org.drvsim.kernel.console.Table}, the
 * table with a header row that fits {@value org.drvsim.kernel.console.Table#WIDTH} columns (long values cut with
 * {@code …}) and shows everything uncut in its wide form ({@code -v}/{@code --wide}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.drvsim.kernel.console;
