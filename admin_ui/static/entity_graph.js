// 主体网图: draws the graph embedded in the page (#entity-graph-data) as SVG, in layers by hop:
// entities of hop h in column 2h, the persons leading on from hop h in column 2h − 1. Within a
// column, nodes are ordered by the mean position of their neighbours in the column before (a few
// sweeps), which keeps lines from crossing more than they must. Clicking an entity opens its own
// graph. The tables under the drawing carry the same data for readers without script.
(() => {
  "use strict";
  const data = document.getElementById("entity-graph-data");
  const canvas = document.getElementById("entity-graph-canvas");
  if (!data || !canvas) return;
  const graph = JSON.parse(data.textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const COLUMN = 190, ROW = 46, ENTITY_W = 160, ENTITY_H = 30, PERSON_R = 15, PAD = 30;

  const columnOf = (node) => (node.kind === "entity" ? 2 * node.hops : 2 * node.hops - 1);
  const columns = [];
  const byId = new Map();
  for (const node of graph.nodes) {
    const c = columnOf(node);
    (columns[c] = columns[c] || []).push(node);
    byId.set(node.id, node);
  }
  const neighbours = new Map(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    if (byId.has(edge.source) && byId.has(edge.target)) {
      neighbours.get(edge.source).push(edge.target);
      neighbours.get(edge.target).push(edge.source);
    }
  }
  const place = new Map();
  const index = () => columns.forEach((column) => (column || []).forEach((node, i) => place.set(node.id, i)));
  index();
  for (let sweep = 0; sweep < 4; sweep += 1) {
    for (let c = 1; c < columns.length; c += 1) {
      const column = columns[c] || [];
      const mean = (node) => {
        const before = neighbours.get(node.id).filter((id) => columnOf(byId.get(id)) === c - 1);
        return before.length ? before.reduce((sum, id) => sum + place.get(id), 0) / before.length : place.get(node.id);
      };
      const keys = new Map(column.map((node) => [node.id, mean(node)]));
      column.sort((a, b) => keys.get(a.id) - keys.get(b.id) || place.get(a.id) - place.get(b.id));
      column.forEach((node, i) => place.set(node.id, i));
    }
  }
  const tallest = Math.max(...columns.map((column) => (column || []).length));
  const width = PAD * 2 + (columns.length - 1) * COLUMN + ENTITY_W;
  const height = PAD * 2 + Math.max(tallest - 1, 0) * ROW + ENTITY_H;
  const position = new Map();
  columns.forEach((column, c) => {
    const offset = ((tallest - (column || []).length) * ROW) / 2;
    (column || []).forEach((node, i) => {
      position.set(node.id, { x: PAD + ENTITY_W / 2 + c * COLUMN, y: PAD + ENTITY_H / 2 + offset + i * ROW });
    });
  });

  const make = (name, attributes, parent) => {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    if (parent) parent.appendChild(element);
    return element;
  };
  const svg = make("svg", { width, height, viewBox: `0 0 ${width} ${height}`, id: "entity-graph-svg" });
  const edges = make("g", { class: "edges" }, svg);
  for (const edge of graph.edges) {
    const a = position.get(edge.source), b = position.get(edge.target);
    if (!a || !b) continue;
    const line = make("line", { class: "edge", x1: a.x, y1: a.y, x2: b.x, y2: b.y }, edges);
    make("title", {}, line).textContent = `${byId.get(edge.source).name} · ${edge.role} · ${byId.get(edge.target).name}`;
    const label = make("text", { class: "edge-label", x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, "text-anchor": "middle" }, edges);
    label.textContent = edge.role;
  }
  const shorten = (text, most) => (text.length > most ? `${text.slice(0, most - 1)}…` : text);
  const nodes = make("g", { class: "nodes" }, svg);
  for (const node of graph.nodes) {
    const { x, y } = position.get(node.id);
    if (node.kind === "entity") {
      const classes = ["node", "entity", `colour-${node.colour}`];
      if (node.listed.length) classes.push("listed");
      if (node.id === graph.centre) classes.push("centre");
      const link = make("a", { href: node.href, class: classes.join(" "), "data-uscc": node.id }, nodes);
      make("rect", { x: x - ENTITY_W / 2, y: y - ENTITY_H / 2, width: ENTITY_W, height: ENTITY_H, rx: 4 }, link);
      make("text", { x, y: y + 4, "text-anchor": "middle" }, link).textContent = shorten(node.name, 12);
      const listed = node.listed.length ? `（${node.listed.join("、")}）` : "";
      make("title", {}, link).textContent = `${node.name} ${node.id}${listed}`;
    } else {
      const group = make("g", { class: "node person", "data-person": node.id }, nodes);
      make("circle", { cx: x, cy: y, r: PERSON_R }, group);
      make("text", { x, y: y + PERSON_R + 13, "text-anchor": "middle" }, group).textContent = shorten(node.name, 8);
      make("title", {}, group).textContent = node.name;
    }
  }
  canvas.appendChild(svg);
})();
