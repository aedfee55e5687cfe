/** An Apache ECharts bar chart (tree-shaken: only bars, grid, tooltip, legend, canvas). */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export function Bars({
  label,
  categories,
  series,
  max,
}: {
  label: string;
  categories: string[];
  series: { name: string; data: number[] }[];
  max?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(ref.current);
    // Many categories in a third of the page: slanted, so every label shows whole and apart.
    const crowded = categories.length > 4;
    chart.setOption({
      // No entry animation: the figures are read, not watched (and screenshots show them whole).
      animation: false,
      tooltip: {},
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: crowded ? 56 : 24 },
      xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, fontSize: 11, rotate: crowded ? 35 : 0 } },
      yAxis: { type: 'value', ...(max !== undefined ? { max } : {}) },
      series: series.map((s) => ({ type: 'bar', name: s.name, data: s.data })),
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [categories, series, max]);
  return <div ref={ref} role="img" aria-label={label} style={{ height: 260 }} />;
}
