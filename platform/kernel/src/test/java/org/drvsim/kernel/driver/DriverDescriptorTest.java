package org.drvsim.kernel.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.Test;

public class DriverDescriptorTest {
    @Test
    public void parsesEntryClassModelAndHardwareIdsWithLiteralBackslashes() {
        DriverDescriptor d = DriverDescriptor.parse(
                "org.example.MyDriver;model=ndis;hardware-ids=\"ROOT\\NETVMINI,PCI\\VEN_1414&DEV_EC40\"");
        assertThat(d.entryClass()).isEqualTo("org.example.MyDriver");
        assertThat(d.model()).isEqualTo("ndis");
        assertThat(d.hardwareIds()).containsExactly("ROOT\\NETVMINI", "PCI\\VEN_1414&DEV_EC40");
    }

    @Test
    public void aMissingHeaderIsRefusedWithItsName() {
        assertThatThrownBy(() -> DriverDescriptor.parse(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Drvsim-Driver");
    }

    @Test
    public void aHeaderWithoutModelIsRefused() {
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;hardware-ids=\"ROOT\\X\""))
                .hasMessageContaining("names no model");
    }

    @Test
    public void aHeaderWithoutHardwareIdsIsRefused() {
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis"))
                .hasMessageContaining("claims no hardware ID");
    }

    @Test
    public void anUnknownAttributeIsRefused() {
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=X;speed=fast"))
                .hasMessageContaining("unknown attribute 'speed'");
    }

    @Test
    public void aHeaderThatDoesNotStartWithAClassNameIsRefused() {
        assertThatThrownBy(() -> DriverDescriptor.parse("model=ndis;hardware-ids=X"))
                .hasMessageContaining("entry class name");
    }

    @Test
    public void anUnterminatedQuoteIsRefused() {
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"ROOT\\X"))
                .hasMessageContaining("unterminated quote");
    }

    @Test
    public void aHardwareIdWrittenWithTwoBackslashesIsRefusedWithTheFix() {
        // what "ROOT\\\\MYNIC" in Java source (escaped twice) becomes in the header bnd writes
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"ROOT\\\\MYNIC\""))
                .hasMessageContaining("hardware ID 'ROOT\\\\MYNIC' has an empty segment")
                .hasMessageContaining("one backslash");
    }

    @Test
    public void hardwareIdsWithSpacesQuotesOrEdgeBackslashesAreRefused() {
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"ROOT\\MY NIC\""))
                .hasMessageContaining("'ROOT\\MY NIC' contains a space");
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"ROOT\\MYNIC\\\""))
                .hasMessageContaining("starts or ends with a backslash");
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"ROOT\\A,\""))
                .hasMessageContaining("hardware ID '' is empty");
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"ROOT\\\u00c9\""))
                .hasMessageContaining("the character U+00C9");
    }

    @Test
    public void aHardwareIdLongerThanMaxDeviceIdLenIsRefused() {
        String id = "ROOT\\" + "X".repeat(DriverDescriptor.MAX_DEVICE_ID_LEN);
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"" + id + "\""))
                .hasMessageContaining("the limit is 200");
        String longest = "ROOT\\" + "X".repeat(DriverDescriptor.MAX_DEVICE_ID_LEN - 5);
        assertThat(DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"" + longest + "\"").hardwareIds())
                .containsExactly(longest);
    }

    @Test
    public void aBundleWithTwoAnnotatedEntryClassesIsRefusedNamingBoth() {
        // bnd joins the clauses of two annotated classes with a comma
        assertThatThrownBy(() -> DriverDescriptor.parse("org.example.A;model=ndis;hardware-ids=\"ROOT\\A\","
                + "org.example.B;model=ndis;hardware-ids=\"ROOT\\B\""))
                .hasMessageContaining("names 2 drivers [org.example.A, org.example.B]");
    }

    @Test
    public void spacesAroundCommasOfAHandWrittenHeaderAreIgnored() {
        assertThat(DriverDescriptor.parse("org.example.D;model=ndis;hardware-ids=\"ROOT\\A, ROOT\\B\"").hardwareIds())
                .containsExactly("ROOT\\A", "ROOT\\B");
    }
}
