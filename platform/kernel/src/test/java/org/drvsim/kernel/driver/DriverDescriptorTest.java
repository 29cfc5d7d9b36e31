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
}
