package io.ringmetrics.packaging;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bom/pom.xml} has no parent (a BOM hands on all of its effective dependency management, and the build's
 * test libraries are not for users), so it repeats the versions the build uses: this test fails when the BOM pins a
 * version other than the one the reactor builds and tests with, or leaves out a library the build pins.
 */
class BomPinsTestedVersionsTest
{
    /** The groups whose versions a service takes from the BOM: ours and our runtime dependencies'. */
    private static final List<String> PINNED_GROUPS =
        List.of("io.ringmetrics", "org.agrona", "com.lmax", "org.hdrhistogram", "io.prometheus", "io.micrometer",
            "io.opentelemetry");
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    @Test
    void bomPinsEveryRuntimeLibraryAtTheVersionTheBuildUses() throws Exception
    {
        final Path root = repoRoot();
        final Pom parent = Pom.read(root.resolve("pom.xml"));
        final Pom bom = Pom.read(root.resolve("bom/pom.xml"));

        assertEquals("io.ringmetrics", bom.text("groupId"));
        assertEquals("ringmetrics-bom", bom.text("artifactId"));
        assertEquals("pom", bom.text("packaging"));
        assertEquals(parent.text("version"), bom.text("version"), "the BOM is released with the artifacts it pins");

        final Map<String, String> built = parent.managedVersions();
        final Map<String, String> pinned = bom.managedVersions();
        final List<String> problems = new ArrayList<>();
        built.forEach((coordinates, version) ->
        {
            if (PINNED_GROUPS.contains(coordinates.substring(0, coordinates.indexOf(':'))) &&
                !version.equals(pinned.get(coordinates)))
            {
                problems.add(coordinates + ": the build uses " + version + ", the BOM pins " + pinned.get(coordinates));
            }
        });
        pinned.forEach((coordinates, version) ->
        {
            if (!PINNED_GROUPS.contains(coordinates.substring(0, coordinates.indexOf(':'))))
            {
                problems.add(coordinates + ": not a ringmetrics artifact or runtime dependency; keep it out of the BOM");
            }
        });
        // Libraries the BOM pins beyond the build's dependencyManagement (micrometer-core, prometheus-metrics-config)
        // must still match the parent's property of the same name.
        bom.properties.forEach((name, value) ->
        {
            if (!value.equals(parent.properties.get(name)))
            {
                problems.add("property " + name + ": BOM " + value + ", build " + parent.properties.get(name));
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(pinned.containsKey("io.ringmetrics:ringmetrics-engine") &&
            pinned.containsKey("io.ringmetrics:ringmetrics-exporters"), "the BOM pins our artifacts: " + pinned);
    }

    private static Path repoRoot()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bom/pom.xml")))
        {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "bom/pom.xml above " + Path.of("").toAbsolutePath());
        return dir;
    }

    /** A pom's own elements, with its properties and project.version substituted. */
    private static final class Pom
    {
        private final Element project;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Pom(final Element project)
        {
            this.project = project;
            final Element props = child(project, "properties");
            if (props != null)
            {
                for (final Element property : children(props))
                {
                    properties.put(property.getTagName(), property.getTextContent().trim());
                }
            }
        }

        static Pom read(final Path file) throws Exception
        {
            final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
            return new Pom(document.getDocumentElement());
        }

        String text(final String name)
        {
            final Element element = child(project, name);
            return element == null ? null : element.getTextContent().trim();
        }

        Map<String, String> managedVersions()
        {
            final Map<String, String> versions = new LinkedHashMap<>();
            final Element management = child(project, "dependencyManagement");
            for (final Element dependency : children(child(management, "dependencies")))
            {
                versions.put(child(dependency, "groupId").getTextContent().trim() + ":" +
                    child(dependency, "artifactId").getTextContent().trim(),
                    resolve(child(dependency, "version").getTextContent().trim()));
            }
            return versions;
        }

        private String resolve(final String value)
        {
            final Matcher m = PROPERTY.matcher(value);
            final StringBuilder out = new StringBuilder();
            while (m.find())
            {
                final String name = m.group(1);
                final String replacement = name.equals("project.version") ? text("version") : properties.get(name);
                assertTrue(replacement != null, "undefined property ${" + name + "}");
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            return m.appendTail(out).toString();
        }

        private static Element child(final Element parent, final String name)
        {
            for (final Element element : children(parent))
            {
                if (element.getTagName().equals(name))
                {
                    return element;
                }
            }
            return null;
        }

        private static List<Element> children(final Element parent)
        {
            final List<Element> elements = new ArrayList<>();
            final NodeList nodes = parent.getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++)
            {
                if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE)
                {
                    elements.add((Element)nodes.item(i));
                }
            }
            return elements;
        }
    }
}
