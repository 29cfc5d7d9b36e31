package org.drvsim.kernel.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.drvsim.kernel.console.Table.column;

import java.util.List;
import org.junit.Test;

public class TableTest {
    private static List<String> lines(String s) {
        return s.lines().toList();
    }

    @Test
    public void theHeaderRowComesFirstInCapitalsAndColumnsAreAsWideAsTheirContent() {
        Table t = new Table(column("name"), column("Instance ID"), column("sent").alignRight());
        t.add("netvmini0", "ROOT\\NETVMINI\\0000", 35).add("nv1", "ROOT\\NETVMINI\\0001", 7);
        assertThat(lines(t.format(false))).containsExactly(
                "NAME       INSTANCE ID         SENT",
                "netvmini0  ROOT\\NETVMINI\\0000    35",
                "nv1        ROOT\\NETVMINI\\0001     7");
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.toString()).isEqualTo(t.format(false));
    }

    @Test
    public void aTableWithoutRowsIsItsHeaderRow() {
        Table t = new Table(column("INSTANCE ID"), column("STATE"), column("EXTRA").wideOnly());
        assertThat(t.format(false)).isEqualTo("INSTANCE ID  STATE");
        assertThat(t.format(true)).isEqualTo("INSTANCE ID  STATE  EXTRA");
        assertThat(t.size()).isZero();
    }

    @Test
    public void trailingSpacesAreDroppedAndNullPrintsAsNothing() {
        Table t = new Table(column("A"), column("PROBLEM"));
        t.add("x", null).add("y", "Code 10");
        assertThat(lines(t.format(false))).containsExactly("A  PROBLEM", "x", "y  Code 10");
    }

    @Test
    public void aWideTableIsCutToTheWidthWidestCuttableColumnFirstWithAnEllipsis() {
        Table t = new Table(column("ID").uncut(), column("DRIVER"), column("EVENT"));
        String id = "PCI\\VEN_1414&DEV_EC40\\0000";
        String driver = "org.drvsim.drivers.netvmini";
        String event = "MiniportInitializeEx ndisMiniportHandle: ROOT\\NETVMINI\\0000, ifIndex: 1  -> NDIS_STATUS_SUCCESS";
        t.add(id, driver, event).add("ROOT\\X\\0", "short", "short");
        List<String> out = lines(t.format(false));
        assertThat(out).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Table.WIDTH));
        assertThat(out.get(1)).hasSize(Table.WIDTH).startsWith(id + "  ") // the uncut column is whole
                .contains(driver + "  ") // the driver fitted once the event was cut
                .endsWith(Table.ELLIPSIS).contains("MiniportInitializeEx ndisMiniportHandle");
        assertThat(out.get(2)).isEqualTo(String.format("%-26s  %-27s  short", "ROOT\\X\\0", "short"));
        // the wide form cuts nothing
        assertThat(lines(t.format(true)).get(1)).isEqualTo(id + "  " + driver + "  " + event);
    }

    @Test
    public void whenOneColumnIsNotEnoughTheWidestAreNarrowedTogether() {
        Table t = new Table(column("A"), column("B"));
        t.add("a".repeat(100), "b".repeat(100));
        String row = lines(t.format(false, 40)).get(1);
        assertThat(row).isEqualTo("a".repeat(18) + "…" + "  " + "b".repeat(18) + "…");
    }

    @Test
    public void cuttableColumnsKeepTheirHeaderAndSixCharactersBeforeUncutOnesAreCut() {
        Table t = new Table(column("LONGHEADER"), column("X"), column("KEEP").uncut());
        t.add("v".repeat(30), "w".repeat(30), "k".repeat(30));
        List<String> out = lines(t.format(false, 50));
        // 50 - 2 gaps = 46: KEEP takes its 30, LONGHEADER keeps its header's 10 and X the least, 6
        assertThat(out.get(1)).isEqualTo("v".repeat(9) + "…  " + "w".repeat(5) + "…  " + "k".repeat(30));
        // narrower still: the uncut column is cut too, and the line still fits
        List<String> tight = lines(t.format(false, 30));
        assertThat(tight).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(30));
        assertThat(tight.get(1)).startsWith("v".repeat(9) + "…  " + "w".repeat(5) + "…  ").endsWith("…");
    }

    @Test
    public void wideOnlyColumnsShowOnlyInTheWideForm() {
        Table t = new Table(column("NAME"), column("VERSION").wideOnly(), column("STATE"));
        t.add("echo", "0.1.0", "Active");
        assertThat(lines(t.format(false))).containsExactly("NAME  STATE", "echo  Active");
        assertThat(lines(t.format(true))).containsExactly("NAME  VERSION  STATE", "echo  0.1.0    Active");
    }

    @Test
    public void theWideFormIsNeverCut() {
        Table t = new Table(column("X"));
        String v = "x".repeat(500);
        t.add(v);
        assertThat(lines(t.format(true))).containsExactly("X", v);
        assertThat(lines(t.format(false)).get(1)).hasSize(Table.WIDTH).endsWith("…");
    }

    @Test
    public void lineBreaksInAValueKeepTheRowOnOneLine() {
        Table t = new Table(column("MESSAGE"));
        t.add("first\nsecond\tthird");
        assertThat(lines(t.format(false))).containsExactly("MESSAGE", "first second third");
    }

    @Test
    public void aRowNeedsOneValuePerColumn() {
        Table t = new Table(column("A"), column("B"));
        assertThatThrownBy(() -> t.add("only one")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 values");
        assertThatThrownBy(Table::new).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void aCutNeverSplitsACharacter() {
        assertThat(Table.cut("ab\uD83D\uDE00cd", 4)).isEqualTo("ab…");
        assertThat(Table.cut("abcdef", 1)).isEqualTo("…");
        assertThat(Table.cut("abc", 3)).isEqualTo("abc");
    }
}
