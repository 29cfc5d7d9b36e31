package org.drvsim.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The OSGi bundles on the test's class path, by symbolic name: where the kit takes the platform's bundles from.
 * Maven's surefire and failsafe put the test class path in {@code surefire.test.class.path} (the JVM's own class
 * path may be a single manifest-only jar); outside them {@code java.class.path} is read.
 */
final class ClassPath {
    private ClassPath() {
    }

    /** @return bundle symbolic name to the URL Felix installs it from, first occurrence on the class path wins */
    static Map<String, String> bundles() {
        String path = System.getProperty("surefire.test.class.path");
        if (path == null || path.isBlank()) {
            path = System.getProperty("java.class.path", "");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            File f = new File(entry);
            String bsn = symbolicName(f);
            if (bsn != null) {
                out.putIfAbsent(bsn, url(f));
            }
        }
        return out;
    }

    /** @return the URL Felix installs {@code f} from: the jar, or an exploded bundle folder by reference */
    static String url(File f) {
        return f.isDirectory() ? "reference:" + f.toURI() : f.toURI().toString();
    }

    /** @return the Bundle-SymbolicName of a jar or of a class folder with a manifest, without directives; or null */
    static String symbolicName(File f) {
        try {
            Manifest m;
            if (f.isFile() && f.getName().endsWith(".jar")) {
                try (JarFile jar = new JarFile(f)) {
                    m = jar.getManifest();
                }
            } else if (f.isDirectory() && new File(f, "META-INF/MANIFEST.MF").isFile()) {
                try (InputStream in = Files.newInputStream(new File(f, "META-INF/MANIFEST.MF").toPath())) {
                    m = new Manifest(in);
                }
            } else {
                return null;
            }
            String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
            return bsn == null ? null : bsn.split(";")[0].trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the bundle symbolic names of -runbundles in a resolved bndrun, in order */
    static List<String> runBundles(String bndrun) {
        String joined = bndrun.replace("\\\r\n", "").replace("\\\n", "");
        for (String line : joined.split("\r?\n")) {
            String l = line.trim();
            if (l.startsWith("-runbundles:")) {
                List<String> out = new ArrayList<>();
                StringBuilder clause = new StringBuilder();
                boolean quoted = false;
                for (char c : (l.substring("-runbundles:".length()) + ",").toCharArray()) {
                    if (c == '\'' || c == '"') {
                        quoted = !quoted;
                    }
                    if (c == ',' && !quoted) {
                        String bsn = clause.toString().split(";")[0].trim();
                        if (!bsn.isEmpty()) {
                            out.add(bsn);
                        }
                        clause.setLength(0);
                    } else {
                        clause.append(c);
                    }
                }
                return out;
            }
        }
        return List.of();
    }
}
