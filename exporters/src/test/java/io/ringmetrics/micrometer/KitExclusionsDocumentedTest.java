package io.ringmetrics.micrometer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every compatibility-kit test {@link KitExclusions} disables is listed in docs/migration.md with the same reason. */
class KitExclusionsDocumentedTest
{
    @Test
    void everyDisabledKitTestIsInTheMigrationGuideWithItsReason() throws IOException
    {
        final String doc = Files.readString(Path.of("..", "docs", "migration.md"));
        for (final Map.Entry<String, String> disabled : KitExclusions.DISABLED.entrySet())
        {
            final String line = "- `" + disabled.getKey() + "`: " + disabled.getValue();
            assertTrue(doc.contains(line), "docs/migration.md lists " + line);
        }
        assertTrue(doc.contains(KitExclusions.DISABLED.size() + " is disabled") ||
            doc.contains(KitExclusions.DISABLED.size() + " are disabled"), "the stated count matches");
    }
}
