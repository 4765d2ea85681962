// ECharts with only the parts the app draws (bar, pie, line), so pages without charts never load it. Each
// chart is a figure whose caption and aria description say what it shows, for readers who cannot see it.
import ReactEChartsCore from 'echarts-for-react/lib/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsOption } from 'echarts';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  AriaComponent,
  CanvasRenderer,
]);

export const PALETTE = ['#c8161d', '#d46b08', '#1677ff', '#389e0d', '#722ed1', '#08979c', '#ad8b00', '#595959'];

export function Chart({
  title,
  description,
  option,
  height = 260,
}: {
  title: string;
  description: string;
  option: EChartsOption;
  height?: number;
}) {
  return (
    <figure style={{ margin: 0 }}>
      <figcaption style={{ fontWeight: 600, marginBottom: 8 }}>{title}</figcaption>
      <div role="img" aria-label={`${title}：${description}`}>
        <ReactEChartsCore
          echarts={echarts}
          option={{ color: PALETTE, aria: { enabled: false }, ...option }}
          style={{ height, width: '100%' }}
          notMerge
          lazyUpdate
        />
      </div>
    </figure>
  );
}
