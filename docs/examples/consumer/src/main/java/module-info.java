/** A service that embeds ringmetrics, as a named module. */
module example.consumer
{
    requires io.ringmetrics.exporters;
}
