package org.drvsim.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.Test;

/**
 * The sample drivers are built as a driver author's are: each imports only its model's packages and
 * org.drvsim.nt (never the kernel, never OSGi), exports nothing, and carries the Drvsim-Driver header the model
 * annotation wrote.
 */
public class DriverBundleManifestTest {
    static List<File> sampleDriverJars() throws Exception {
        List<File> out = new ArrayList<>();
        for (String entry : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                .split(File.pathSeparator)) {
            File f = new File(entry);
            if (f.isFile() && f.getName().startsWith("org.drvsim.drivers.") && f.getName().endsWith(".jar")) {
                out.add(f);
            }
        }
        return out;
    }

    static List<String> importedPackages(String header) {
        List<String> out = new ArrayList<>();
        boolean quoted = false;
        StringBuilder clause = new StringBuilder();
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(clause.toString().split(";")[0].trim());
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return out;
    }

    @Test
    public void everySampleDriverImportsOnlyItsModelAndTheNtBasics() throws Exception {
        List<File> jars = sampleDriverJars();
        assertThat(jars).extracting(File::getName).anyMatch(n -> n.contains("netvmini")).anyMatch(n -> n.contains("ramdisk"))
                .anyMatch(n -> n.contains("echo")).anyMatch(n -> n.contains("kmdfmini"));
        for (File jar : jars) {
            Attributes m;
            try (JarFile j = new JarFile(jar)) {
                m = j.getManifest().getMainAttributes();
            }
            assertThat(m.getValue("Drvsim-Driver")).as(jar.getName()).isNotBlank();
            assertThat(m.getValue("Export-Package")).as(jar.getName()).isNull();
            assertThat(importedPackages(m.getValue("Import-Package"))).as(jar.getName())
                    .allMatch(p -> p.startsWith("java.") || p.equals("org.drvsim.nt") || p.equals("org.drvsim.ndis")
                            || p.equals("org.drvsim.storport") || p.equals("org.drvsim.wdf"));
        }
    }
}
