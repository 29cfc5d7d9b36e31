package org.drvsim.kernel.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A text table as drvsim's list commands print it: a header row in capitals, then one line per row, the columns
 * as wide as their content and two spaces apart.
 *
 * <p>By default ({@code format(false)}) every line fits {@value #WIDTH} columns: when the content is wider, the
 * widest column that may be cut is narrowed first, then the next widest, and no such column is narrowed below its
 * header or {@value #MIN_CUT_WIDTH} characters; only when that is not enough are the {@linkplain Column#uncut()
 * uncut} columns narrowed too. A value longer than its column is cut and ends in {@value #ELLIPSIS}. Columns
 * marked {@linkplain Column#wideOnly() wide-only} are left out. The wide form ({@code format(true)}, the commands'
 * {@code -v}/{@code --wide}) shows every column and cuts nothing.
 *
 * <p>Line breaks, tabs and other control characters in a value print as spaces, so that a row stays one line.
 * Widths count characters (a terminal shows each character of drvsim's output in one column). Not thread-safe:
 * build and format a table in one thread.
 */
public final class Table {
    /** The width the default form fits: 120 columns. */
    public static final int WIDTH = 120;
    /** Ends a value that was cut. */
    public static final String ELLIPSIS = "…";
    /** Between two columns. */
    static final String GAP = "  ";
    /** A column that may be cut keeps at least this many characters (or its header's, or its content's if less). */
    static final int MIN_CUT_WIDTH = 6;

    /** A column: its header and how it is laid out. Immutable. */
    public static final class Column {
        private final String header;
        private final boolean right;
        private final boolean uncut;
        private final boolean wideOnly;

        private Column(String header, boolean right, boolean uncut, boolean wideOnly) {
            this.header = header;
            this.right = right;
            this.uncut = uncut;
            this.wideOnly = wideOnly;
        }

        /** @return this column with its values (and header) aligned to the right, as numbers are */
        public Column alignRight() {
            return new Column(header, true, uncut, wideOnly);
        }

        /**
         * @return this column, cut only when the columns that may be cut are already as narrow as they go: for values
         *         that are typed back into other commands (instance IDs, short names) or short ones (states)
         */
        public Column uncut() {
            return new Column(header, right, true, wideOnly);
        }

        /** @return this column, shown only in the wide form */
        public Column wideOnly() {
            return new Column(header, right, uncut, true);
        }

        /** @return the header, in capitals */
        public String header() {
            return header;
        }
    }

    /**
     * @param header the column's header; printed in capitals
     * @return a column aligned to the left, that may be cut and that both forms show
     */
    public static Column column(String header) {
        return new Column(clean(Objects.requireNonNull(header, "header")).toUpperCase(Locale.ROOT), false, false,
                false);
    }

    private final List<Column> columns;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param columns the columns, left to right
     * @throws IllegalArgumentException if there is none
     */
    public Table(Column... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.columns = List.of(columns);
    }

    /**
     * Adds a row.
     *
     * @param cells one value per column, left to right, printed with {@link String#valueOf(Object)}; null prints as
     *              nothing
     * @return this table
     * @throws IllegalArgumentException if the number of values is not the number of columns
     */
    public Table add(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("a row of this table has " + columns.size() + " values, not "
                    + cells.length);
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null ? "" : clean(String.valueOf(cells[i]));
        }
        rows.add(row);
        return this;
    }

    /** @return the number of rows added (the header not counted) */
    public int size() {
        return rows.size();
    }

    /**
     * @param wide the wide form: every column, nothing cut; else the default form, at most {@value #WIDTH} columns
     * @return the header line and one line per row, separated by the platform's line separator, without a final one
     */
    public String format(boolean wide) {
        return format(wide, WIDTH);
    }

    /**
     * @param wide  the wide form: every column, nothing cut
     * @param width the most characters a line of the default form has (at least 1 per column shown, and the gaps)
     * @return the header line and one line per row, separated by the platform's line separator, without a final one
     */
    public String format(boolean wide, int width) {
        List<Integer> shown = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (wide || !columns.get(i).wideOnly) {
                shown.add(i);
            }
        }
        int n = shown.size();
        int[] w = new int[n];
        for (int k = 0; k < n; k++) {
            int c = shown.get(k);
            w[k] = columns.get(c).header.length();
            for (String[] row : rows) {
                w[k] = Math.max(w[k], row[c].length());
            }
        }
        if (!wide) {
            fit(shown, w, width - GAP.length() * (n - 1));
        }
        StringBuilder out = new StringBuilder();
        String[] header = columns.stream().map(Column::header).toArray(String[]::new);
        line(out, header, shown, w);
        for (String[] row : rows) {
            out.append(System.lineSeparator());
            line(out, row, shown, w);
        }
        return out.toString();
    }

    /** The default form. */
    @Override
    public String toString() {
        return format(false);
    }

    /** Narrows the columns until they take at most budget characters in all: the cuttable ones first. */
    private void fit(List<Integer> shown, int[] w, int budget) {
        int excess = -budget;
        for (int x : w) {
            excess += x;
        }
        if (excess <= 0) {
            return;
        }
        int[] floor = new int[w.length];
        for (int k = 0; k < w.length; k++) {
            Column c = columns.get(shown.get(k));
            floor[k] = c.uncut ? w[k] : Math.min(w[k], Math.max(c.header.length(), MIN_CUT_WIDTH));
        }
        excess = shrink(w, floor, excess);
        java.util.Arrays.fill(floor, 1);
        shrink(w, floor, excess);
    }

    /** Takes one character at a time from the widest column above its floor (the rightmost of equals). */
    private static int shrink(int[] w, int[] floor, int excess) {
        while (excess > 0) {
            int widest = -1;
            for (int k = 0; k < w.length; k++) {
                if (w[k] > floor[k] && (widest < 0 || w[k] >= w[widest])) {
                    widest = k;
                }
            }
            if (widest < 0) {
                break;
            }
            w[widest]--;
            excess--;
        }
        return excess;
    }

    private void line(StringBuilder out, String[] cells, List<Integer> shown, int[] w) {
        int start = out.length();
        for (int k = 0; k < w.length; k++) {
            if (k > 0) {
                out.append(GAP);
            }
            String s = cut(cells[shown.get(k)], w[k]);
            String pad = " ".repeat(w[k] - s.length());
            out.append(columns.get(shown.get(k)).right ? pad + s : s + pad);
        }
        int end = out.length();
        while (end > start && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
    }

    /** @return the value, or its first width - 1 characters and {@value #ELLIPSIS} when it is longer than width */
    static String cut(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        if (width <= 1) {
            return width == 1 ? ELLIPSIS : "";
        }
        int end = width - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--; // do not split a character
        }
        return s.substring(0, end) + ELLIPSIS;
    }

    private static String clean(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isISOControl(ch)) {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, ' ');
            }
        }
        return b == null ? s : b.toString();
    }
}
