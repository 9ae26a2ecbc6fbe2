// Reports clicks on a plotly chart's points to .NET. plotly.js attaches `on` to the chart's element once it has
// drawn it, which may be after Blazor rendered the component, so this waits for it.
export function onPointClick(id, receiver) {
    const attach = () => {
        const chart = document.getElementById(id);
        if (!chart || typeof chart.on !== 'function') { setTimeout(attach, 100); return; }
        if (chart.dataset.clicks === 'on') return;
        chart.dataset.clicks = 'on';
        chart.on('plotly_click', event => {
            const point = event.points[0];
            receiver.invokeMethodAsync('Picked', point.curveNumber, point.pointNumber);
        });
    };
    attach();
}
