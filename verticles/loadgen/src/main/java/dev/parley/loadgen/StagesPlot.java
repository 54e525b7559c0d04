package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code java -cp parley-loadgen.jar dev.parley.loadgen.StagesPlot stages.jsonl out.png "title"}: the plot of
 * {@code scripts/bench stages}, ack and delivery latency (p50, p99) and the server's CPU against the number of
 * users, from the load generator's summary lines (one JSON object per stage).
 */
public final class StagesPlot {

  private StagesPlot() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: StagesPlot <stages.jsonl> <out.png> [title]");
    }
    System.setProperty("java.awt.headless", "true");
    List<JsonObject> stages = Files.readAllLines(Path.of(args[0])).stream().filter(line -> !line.isBlank())
        .map(JsonObject::new).toList();
    if (stages.isEmpty()) {
      throw new IllegalArgumentException(args[0] + " has no stage");
    }
    XYChart chart = new XYChartBuilder().width(1000).height(560)
        .title(args.length > 2 ? args[2] : "scripts/bench stages")
        .xAxisTitle("concurrent users (rooms of 50, one message per user every 10 s)").yAxisTitle("latency, ms")
        .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
    chart.getStyler().setYAxisMin(0, 0.0);
    chart.getStyler().setYAxisMin(1, 0.0);
    chart.setYAxisGroupTitle(0, "latency, ms");
    chart.setYAxisGroupTitle(1, "server CPU, cores");
    double[] users = values(stages, "users");
    line(chart, "ack p50", users, values(stages, "ackP50Ms"), 0);
    line(chart, "ack p99", users, values(stages, "ackP99Ms"), 0);
    line(chart, "delivery p50", users, values(stages, "deliveryP50Ms"), 0);
    line(chart, "delivery p99", users, values(stages, "deliveryP99Ms"), 0);
    line(chart, "server CPU (cores, right axis)", users, values(stages, "serverCores"), 1);
    String out = args[1].endsWith(".png") ? args[1].substring(0, args[1].length() - 4) : args[1];
    BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
  }

  private static void line(XYChart chart, String name, double[] x, double[] y, int axis) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.CIRCLE);
    series.setYAxisGroup(axis);
  }

  private static double[] values(List<JsonObject> stages, String key) {
    return stages.stream().mapToDouble(stage -> stage.getDouble(key, 0.0)).toArray();
  }
}
