package io.ringmetrics.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer example (docs/examples/consumer, built against the installed artifacts and run by .ci/consumer.sh)
 * contains README.md's embedding example verbatim: its {@code readme-embedding} region equals {@link ReadmeEmbedding}'s,
 * which {@link DocSnippetsMatchTest} keeps equal to the README's block. So the code a service outside the build
 * compiles and runs is the code the README shows. Likewise README's dependency declarations: the Maven one is the
 * consumer's pom, line for line, and both name the version this build makes.
 */
class ConsumerExampleMatchesReadmeTest
{
    static final Path CONSUMER = DocSnippets.ROOT.resolve("docs/examples/consumer");
    static final Path CONSUMER_APP = CONSUMER.resolve("src/main/java/example/consumer/ConsumerApp.java");

    @Test
    void consumerRunsTheReadmeEmbeddingExample()
    {
        assertTrue(Files.isRegularFile(CONSUMER_APP), CONSUMER_APP + " exists");
        final Map<String, String> consumer = DocSnippets.regionsIn(CONSUMER_APP);
        final String readme = DocSnippets.regions().get("readme-embedding");
        assertTrue(readme != null && readme.contains("MetricsFactory"), "ReadmeEmbedding has its region");
        assertEquals(Map.of("readme-embedding", readme), consumer,
            "docs/examples/consumer's ConsumerApp must show README's embedding example, region for region");
    }

    @Test
    void readmeDependencyDeclarationsAreTheConsumersAndNameThisVersion() throws IOException
    {
        final String version = projectVersion(Files.readString(DocSnippets.ROOT.resolve("pom.xml")));
        final List<String> pom = trimmedLines(Files.readString(CONSUMER.resolve("pom.xml")));
        int xml = 0;
        int kotlin = 0;
        for (final DocSnippets.Block block : DocSnippets.blocks(DocSnippets.ROOT.resolve("README.md")))
        {
            if (block.language.equals("xml"))
            {
                xml++;
                for (final String line : trimmedLines(block.text))
                {
                    assertTrue(pom.contains(line), "README's Maven declaration line '" + line + "' is not in " +
                        "docs/examples/consumer/pom.xml, which CI builds: keep the two the same");
                }
                assertTrue(block.text.contains("<version>" + version + "</version>"), "README's BOM version is " +
                    version + ":\n" + block.text);
            }
            else if (block.language.equals("kotlin"))
            {
                kotlin++;
                assertTrue(block.text.contains("platform(\"io.ringmetrics:ringmetrics-bom:" + version + "\")") &&
                    block.text.contains("\"io.ringmetrics:ringmetrics-exporters\""), block.text);
            }
        }
        assertEquals(1, xml, "README shows one Maven declaration");
        assertEquals(1, kotlin, "README shows one Gradle declaration");
    }

    private static String projectVersion(final String parentPom)
    {
        final Matcher m = Pattern.compile("<artifactId>ringmetrics-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(parentPom);
        assertTrue(m.find(), "the parent pom's version");
        return m.group(1);
    }

    private static List<String> trimmedLines(final String text)
    {
        final List<String> lines = new ArrayList<>();
        for (final String line : text.split("\n"))
        {
            if (!line.isBlank())
            {
                lines.add(line.trim());
            }
        }
        return lines;
    }
}
