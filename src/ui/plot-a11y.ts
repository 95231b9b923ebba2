/**
 * Observable Plot gives each mark's <g> an aria-label, which no role of a <g> allows (axe:
 * aria-prohibited-attr). Loupe names every chart on its container instead (role="img" with a
 * label, or a labelled figure), so the drawing itself is hidden from assistive technology. A text
 * message drawn in place of a chart stays readable.
 */
export function hideDrawing<T extends Element>(chart: T): T {
  if (!(chart instanceof HTMLParagraphElement)) chart.setAttribute('aria-hidden', 'true');
  return chart;
}
