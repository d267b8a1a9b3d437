package io.ringmetrics.docs;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer example (docs/examples/consumer, built against the installed artifacts and run by .ci/consumer.sh)
 * contains README.md's embedding example verbatim: its {@code readme-embedding} region equals {@link ReadmeEmbedding}'s,
 * which {@link DocSnippetsMatchTest} keeps equal to the README's block. So the code a service outside the build
 * compiles and runs is the code the README shows.
 */
class ConsumerExampleMatchesReadmeTest
{
    static final Path CONSUMER_APP =
        DocSnippets.ROOT.resolve("docs/examples/consumer/src/main/java/example/consumer/ConsumerApp.java");

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
}
