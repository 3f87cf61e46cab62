/* The symconv docs explorer.
 *
 * Every matrix entry, label, colour, count and refusal message drawn here was
 * computed by symconv when the site was built (docs/hooks/explorer.py writes it into
 * data/*.js). This script only picks the data of the chosen layer and draws it: the
 * matrix, the input and output grids with their connections, the counts.
 * The layer lives in the URL query (?dims=2&n=5&k=3&stride=2&...).
 */
(function () {
  "use strict";
  const root = document.getElementById("sx");
  if (!root) return;

  const SVG_NS = "http://www.w3.org/2000/svg";
  const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  const CONTROLS = ["dims", "n", "k", "stride", "padding", "dilation", "mode", "transposed"];
  const DEFAULTS = {
    dims: "2", n: "4", k: "2", stride: "2", padding: "0", dilation: "1", mode: "zeros",
    transposed: "0",
  };
  const CELL = 30; // SVG units per unit cell of the diagram and the matrix
  const PLAY_MS = 700;
  const MAX_LABELS = 150; // more units (or cells) than this are drawn without names
  const base = document.currentScript ? document.currentScript.src : location.href;

  const form = root.querySelector(".sx-controls");
  const status = root.querySelector(".sx-status");
  const refused = root.querySelector(".sx-refused");
  const shown = root.querySelector(".sx-shown");
  const countsBody = root.querySelector(".sx-counts tbody");
  const diagram = root.querySelector(".sx-diagram");
  const matrix = root.querySelector(".sx-matrix");
  const legendList = root.querySelector(".sx-legend");
  const slider = root.querySelector(".sx-unit");
  const unitName = root.querySelector(".sx-unit-name");
  const equation = root.querySelector(".sx-equation");
  const playButton = root.querySelector(".sx-play");

  /* ------------------------------------------------------------------ data */

  const chunks = {};
  const loading = {};
  window.symconvExplorerChunk = function (chunk) {
    chunks[chunk.dims + "d-n" + chunk.n + "-t" + chunk.transposed] = chunk;
  };

  function loadChunk(state) {
    const key = state.dims + "d-n" + state.n + "-t" + state.transposed;
    if (chunks[key]) return Promise.resolve(chunks[key]);
    if (!loading[key]) {
      loading[key] = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = new URL("data/" + key + ".js", base).href;
        script.onload = function () {
          if (chunks[key]) resolve(chunks[key]);
          else reject(new Error(script.src + " holds no explorer data"));
        };
        script.onerror = function () {
          delete loading[key];
          reject(new Error("could not load " + script.src));
        };
        document.head.appendChild(script);
      });
    }
    return loading[key];
  }

  function numbers(text, width) {
    const out = new Array(text.length / width);
    for (let i = 0; i < out.length; i++) {
      let value = 0;
      for (let j = 0; j < width; j++) value = value * 64 + DIGITS.indexOf(text[i * width + j]);
      out[i] = value;
    }
    return out;
  }

  function axisValue(value) {
    return typeof value === "boolean" ? String(Number(value)) : String(value);
  }

  /* The exported payload of a state, and the cells it encodes. */
  function payloadOf(chunk, state) {
    let index = 0;
    for (const [name, values] of Object.entries(chunk.axes)) {
      const position = values.map(axisValue).indexOf(state[name]);
      index = index * values.length + position;
    }
    return chunk.payloads[chunk.index[index]];
  }

  function decode(chunk, payload, state) {
    const widths = payload.widths;
    const perRow = numbers(payload.rows, widths[0]);
    const cols = numbers(payload.cols, widths[1]);
    const local = numbers(payload.cells, widths[2]);
    const legend = chunk.legends[payload.legend].map(function (pair) {
      return { label: chunk.labels[pair[0]], color: chunk.colors[pair[1]] };
    });
    const cells = [];
    const rowCells = perRow.map(function () { return []; });
    perRow.forEach(function (count, row) {
      for (let j = 0; j < count; j++) {
        const k = cells.length;
        cells.push({ row: row, col: cols[k], label: legend[local[k]].label,
                     color: legend[local[k]].color });
        rowCells[row].push(k);
      }
    });
    const side = Number(state.n);
    const inShape = state.dims === "2" ? [side, side] : [side];
    const outShape = payload.out.slice(1);
    return { payload: payload, cells: cells, rowCells: rowCells, legend: legend,
             inShape: inShape, outShape: outShape, nIn: product(inShape),
             nOut: product(outShape), state: state };
  }

  function product(values) {
    return values.reduce(function (a, b) { return a * b; }, 1);
  }

  /* ------------------------------------------------------------------ state */

  function readQuery(search) {
    const params = new URLSearchParams(search);
    const state = {};
    const problems = [];
    for (const name of CONTROLS) {
      let value = params.get(name);
      if (value === null) value = DEFAULTS[name];
      const choices = Array.from(form.elements[name]).map(function (i) { return i.value; });
      if (choices.indexOf(value) < 0) {
        problems.push(name + "=" + value + " is not one of the explorer's choices (" +
                      choices.join(", ") + ")");
        value = DEFAULTS[name];
      }
      state[name] = value;
    }
    return { state: state, problems: problems };
  }

  function readForm() {
    const state = {};
    for (const name of CONTROLS) state[name] = form.elements[name].value;
    return state;
  }

  function setForm(state) {
    for (const name of CONTROLS) form.elements[name].value = state[name];
  }

  function queryOf(state) {
    return CONTROLS.map(function (name) {
      return name + "=" + encodeURIComponent(state[name]);
    }).join("&");
  }

  /* ------------------------------------------------------------------ text */

  function escape(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  /* "w_{1,2} + w_3" as HTML with subscripts. */
  function richHtml(label) {
    return escape(label).replace(/_\{([^}]*)\}|_(\w+)/g, function (_, a, b) {
      return "<sub>" + (a || b) + "</sub>";
    });
  }

  /* The same as SVG text content (tspans shifted down). */
  function richSvg(label) {
    return escape(label).replace(/_\{([^}]*)\}|_(\w+)/g, function (_, a, b) {
      return '<tspan class="sx-sub" dy="0.3em">' + (a || b) + '</tspan><tspan dy="-0.3em">\u200b</tspan>';
    });
  }

  function inputName(unit) {
    return "x_" + (unit + 1);
  }

  function outputName(view, unit) {
    const index = [];
    let rest = unit;
    for (let axis = view.outShape.length - 1; axis >= 0; axis--) {
      index.unshift((rest % view.outShape[axis]) + 1);
      rest = Math.floor(rest / view.outShape[axis]);
    }
    return index.length > 1 ? "h_{" + index.join(",") + "}" : "h_" + index[0];
  }

  function layerCall(state) {
    const side = state.dims === "2" ? "(1, " + state.n + ", " + state.n + ")" : "(1, " + state.n + ")";
    const kind = (state.transposed === "1" ? "ConvTranspose" : "Conv") + state.dims + "d";
    const padding = state.padding === "same" ? "'same'" : state.padding;
    let call = "sc." + kind + "(" + side + ", 1, " + state.k + ", stride=" + state.stride +
      ", padding=" + padding + ", dilation=" + state.dilation;
    if (state.mode !== "zeros") call += ", padding_mode='" + state.mode + "'";
    return call + ", bias=False)";
  }

  /* ------------------------------------------------------------------ drawing */

  /* Where a point of a unit grid lands: planes seen from above at an angle (2-D) or flat rows (1-D). */
  function plane(shape, top, width) {
    const rows = shape.length > 1 ? shape[0] : 1;
    const cols = shape[shape.length - 1];
    const shear = shape.length > 1 ? 0.5 : 0;
    const depth = shape.length > 1 ? 0.55 : 1;
    const span = (cols + rows * shear) * CELL;
    const left = (width - span) / 2;
    return {
      rows: rows, cols: cols, height: rows * depth * CELL,
      point: function (r, c) {
        return [left + (c + r * shear) * CELL, top + r * depth * CELL];
      },
      span: span,
    };
  }

  function planeSpan(shape) {
    const rows = shape.length > 1 ? shape[0] : 1;
    return (shape[shape.length - 1] + rows * (shape.length > 1 ? 0.5 : 0)) * CELL;
  }

  function cellShape(p, unit, cls, attrs, text) {
    const r = Math.floor(unit / p.cols);
    const c = unit % p.cols;
    const corners = [p.point(r, c), p.point(r, c + 1), p.point(r + 1, c + 1), p.point(r + 1, c)];
    const middle = p.point(r + 0.5, c + 0.5);
    return '<g class="' + cls + '" ' + attrs + '><polygon points="' +
      corners.map(function (xy) { return xy[0].toFixed(1) + "," + xy[1].toFixed(1); }).join(" ") +
      '"></polygon><text x="' + middle[0].toFixed(1) + '" y="' + middle[1].toFixed(1) + '">' +
      (text ? richSvg(text) : "") + "</text></g>";
  }

  function centre(p, unit) {
    return p.point(Math.floor(unit / p.cols) + 0.5, (unit % p.cols) + 0.5);
  }

  function drawDiagram(view) {
    const margin = CELL / 2;
    const width = Math.max(planeSpan(view.inShape), planeSpan(view.outShape)) + 2 * margin;
    const out = plane(view.outShape, margin, width);
    const gap = 3 * CELL;
    const inp = plane(view.inShape, margin + out.height + gap, width);
    const height = margin + out.height + gap + inp.height + margin;
    const parts = [];
    for (let u = 0; u < view.nIn; u++) {
      parts.push(cellShape(inp, u, "sx-in", 'data-in="' + u + '"', inputName(u)));
    }
    // All connections of one colour in one path (cheap to draw); the lit ones are
    // drawn again, one line each, by paint().
    const paths = {};
    view.ends = view.cells.map(function (cell) {
      const a = centre(inp, cell.col);
      const b = centre(out, cell.row);
      const ends = [a[0], a[1], b[0], b[1]].map(function (v) { return v.toFixed(1); });
      (paths[cell.color] = paths[cell.color] || []).push("M" + ends[0] + " " + ends[1] + "L" +
                                                         ends[2] + " " + ends[3]);
      return ends;
    });
    parts.push('<g class="sx-lines">' + Object.keys(paths).map(function (color) {
      return '<path stroke="' + color + '" d="' + paths[color].join("") + '"></path>';
    }).join("") + '</g><g class="sx-lit-lines"></g>');
    for (let u = 0; u < view.nOut; u++) {
      parts.push(cellShape(out, u, "sx-out", 'data-out="' + u + '"',
        view.nOut <= MAX_LABELS ? outputName(view, u) : ""));
    }
    diagram.setAttribute("viewBox", "0 0 " + width.toFixed(1) + " " + height.toFixed(1));
    diagram.style.maxWidth = 1.8 * width + "px";
    diagram.innerHTML = parts.join("");
  }

  function drawMatrix(view) {
    const left = 2.2 * CELL;
    const top = 1.2 * CELL;
    const width = left + view.nIn * CELL;
    const height = top + view.nOut * CELL;
    const parts = ['<rect class="sx-grid" x="' + left + '" y="' + top + '" width="' + view.nIn * CELL +
      '" height="' + view.nOut * CELL + '"></rect>'];
    parts.push('<rect class="sx-band" x="0" y="0" width="' + width + '" height="' + CELL + '"></rect>');
    const lines = [];
    for (let r = 1; r < view.nOut; r++) lines.push("M" + left + " " + (top + r * CELL) + "h" + view.nIn * CELL);
    for (let c = 1; c < view.nIn; c++) lines.push("M" + (left + c * CELL) + " " + top + "v" + view.nOut * CELL);
    parts.push('<path class="sx-gridlines" d="' + lines.join("") + '"></path>');
    for (let c = 0; c < (view.nIn <= MAX_LABELS ? view.nIn : 0); c++) {
      parts.push('<text class="sx-head" x="' + (left + (c + 0.5) * CELL) + '" y="' + (top - 0.35 * CELL) +
        '">' + richSvg(inputName(c)) + "</text>");
    }
    for (let r = 0; r < (view.nOut <= MAX_LABELS ? view.nOut : 0); r++) {
      parts.push('<text class="sx-head sx-rowhead" x="' + (left - 0.1 * CELL) + '" y="' +
        (top + (r + 0.5) * CELL) + '">' + richSvg(outputName(view, r)) + "</text>");
    }
    const named = view.cells.length <= 4 * MAX_LABELS;
    view.cells.forEach(function (cell, k) {
      const x = left + cell.col * CELL;
      const y = top + cell.row * CELL;
      const name = cell.label.indexOf(" + ") < 0 ? richSvg(cell.label) : "\u03a3";
      parts.push('<rect class="sx-cell" data-row="' + cell.row + '" data-col="' + cell.col +
        '" data-weight="' + escape(cell.label) + '" data-cell="' + k + '" x="' + x + '" y="' + y +
        '" width="' + CELL + '" height="' + CELL + '" fill="' + cell.color + '"></rect>' +
        (named ? '<text x="' + (x + CELL / 2) + '" y="' + (y + CELL / 2) + '" fill="' +
          textColor(cell.color) + '">' + name + "</text>" : ""));
    });
    matrix.setAttribute("viewBox", "0 0 " + width + " " + height);
    matrix.style.maxWidth = 1.6 * width + "px";
    matrix.innerHTML = parts.join("");
    view.top = top;
  }

  function textColor(hex) {
    const rgb = [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16) / 255; });
    const luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    return luminance < 0.45 ? "white" : "black";
  }

  function drawCounts(view) {
    const counts = view.payload.counts;
    const kind = view.state.transposed === "1" ? "This transposed convolution" : "This convolution";
    const rows = [[kind, counts[0]], ["Locally connected (untied weights)", counts[1]],
                  ["Dense (every input to every output)", counts[2]]];
    countsBody.innerHTML = rows.map(function (row) {
      const values = row[1] ? row[1].map(function (v) { return v.toLocaleString("en-US"); })
                            : ["—", "—"];
      return "<tr><th scope=\"row\">" + row[0] + "</th><td>" + values[0] + "</td><td>" +
        values[1] + "</td></tr>";
    }).join("");
  }

  function drawLegend(view) {
    const sums = view.legend.filter(function (e) { return e.label.indexOf(" + ") >= 0; });
    legendList.innerHTML = view.legend.filter(function (entry) {
      return sums.indexOf(entry) < 0;
    }).sort(function (a, b) {
      return a.label.localeCompare(b.label, "en", { numeric: true });
    }).map(function (entry) {
      return '<li><span class="sx-swatch" style="background:' + entry.color + '"></span>' +
        richHtml(entry.label) + "</li>";
    }).join("") + (sums.length ? '<li><span class="sx-swatch" style="background:' + sums[0].color +
      '"></span>\u03a3: a sum of weights (taps folded by the padding)</li>' : "");
  }

  /* ------------------------------------------------------------------ highlighting */

  let view = null;
  let selected = null; // the output unit chosen by tap, focus or the step control
  let hoverOut = null; // the output unit under the mouse
  let hoverCell = null; // the matrix cell under the mouse (or tapped)
  let lit = [];
  let relabelled = []; // input cells showing a weight instead of their name
  let player = null;

  function mark(element, cls) {
    if (element) {
      element.classList.add(cls);
      lit.push([element, cls]);
    }
  }

  function paint() {
    lit.forEach(function (pair) { pair[0].classList.remove(pair[1]); });
    lit = [];
    relabelled.forEach(function (input) {
      const text = input.querySelector("text");
      text.innerHTML = richSvg(inputName(Number(input.getAttribute("data-in"))));
      text.removeAttribute("style");
      input.querySelector("polygon").removeAttribute("style");
    });
    relabelled = [];
    if (!view) return;
    const band = matrix.querySelector(".sx-band");
    const litLines = [];
    const unit = hoverOut !== null ? hoverOut : selected;
    diagram.classList.toggle("sx-focus", unit !== null || hoverCell !== null);
    band.style.display = unit === null ? "none" : "";
    if (unit !== null) {
      band.setAttribute("y", view.top + unit * CELL);
      mark(diagram.querySelector('[data-out="' + unit + '"]'), "sx-on");
      view.rowCells[unit].forEach(function (k) {
        const cell = view.cells[k];
        mark(matrix.querySelector('.sx-cell[data-cell="' + k + '"]'), "sx-on");
        litLines.push(litLine(k, "sx-on"));
        const input = diagram.querySelector('[data-in="' + cell.col + '"]');
        mark(input, "sx-rf");
        input.querySelector("polygon").style.fill = cell.color;
        relabelled.push(input);
        const text = input.querySelector("text");
        text.innerHTML = cell.label.indexOf(" + ") < 0 ? richSvg(cell.label) : "\u03a3";
        text.style.fill = textColor(cell.color);
      });
      slider.value = unit;
      unitName.innerHTML = "Output " + richHtml(outputName(view, unit)) + " (" + (unit + 1) +
        " of " + view.nOut + ")";
      equation.innerHTML = equationOf(unit);
    }
    if (hoverCell !== null) {
      const cell = view.cells[hoverCell];
      mark(matrix.querySelector('.sx-cell[data-cell="' + hoverCell + '"]'), "sx-pick");
      litLines.push(litLine(hoverCell, "sx-pick"));
      mark(diagram.querySelector('[data-in="' + cell.col + '"]'), "sx-end");
      mark(diagram.querySelector('[data-out="' + cell.row + '"]'), "sx-end");
      equation.innerHTML = "<i>M</i><sub>" + (cell.row + 1) + "," + (cell.col + 1) + "</sub> = " +
        richHtml(cell.label) + ": input " + richHtml(inputName(cell.col)) + " feeds output " +
        richHtml(outputName(view, cell.row)) + ".";
    } else if (unit === null) {
      unitName.textContent = "";
      equation.textContent = "Point at or tap an output unit (above the lines) or a cell of the matrix.";
    }
    diagram.querySelector(".sx-lit-lines").innerHTML = litLines.join("");
  }

  function litLine(k, cls) {
    const ends = view.ends[k];
    return '<line class="' + cls + '" data-cell="' + k + '" x1="' + ends[0] + '" y1="' + ends[1] +
      '" x2="' + ends[2] + '" y2="' + ends[3] + '" stroke="' + view.cells[k].color + '"></line>';
  }

  function equationOf(unit) {
    const terms = view.rowCells[unit].map(function (k) {
      const cell = view.cells[k];
      const weight = cell.label.indexOf(" + ") < 0 ? richHtml(cell.label) : "(" + richHtml(cell.label) + ")";
      return weight + "\u2009" + richHtml(inputName(cell.col));
    });
    return richHtml(outputName(view, unit)) + " = " + (terms.length ? terms.join(" + ") :
      "0 (no input reaches this output)");
  }

  function choose(unit) {
    selected = unit;
    hoverCell = null;
    paint();
  }

  function step(delta) {
    if (!view) return;
    const from = selected === null ? (delta > 0 ? -1 : 0) : selected;
    choose((from + delta + view.nOut) % view.nOut);
  }

  function stopPlaying() {
    if (player !== null) {
      clearInterval(player);
      player = null;
    }
    playButton.textContent = "\u25b6 Slide";
    playButton.setAttribute("aria-pressed", "false");
  }

  /* ------------------------------------------------------------------ rendering */

  let current = "";

  function render(state, problems) {
    const query = queryOf(state);
    current = query;
    root.setAttribute("data-state", "loading");
    stopPlaying();
    return loadChunk(state).then(function (chunk) {
      if (current !== query) return;
      const payload = payloadOf(chunk, state);
      selected = null;
      hoverOut = null;
      hoverCell = null;
      const call = "<code>" + escape(layerCall(state)) + "</code>";
      const notes = problems.length ? '<br><span class="sx-note">' + escape(problems.join("; ")) +
        ": showing the default instead.</span>" : "";
      if (payload.error !== undefined) {
        view = null;
        shown.hidden = true;
        refused.hidden = false;
        refused.innerHTML = "<p>PyTorch and symconv refuse " + call + ":</p><p class=\"sx-message\">" +
          escape(chunk.messages[payload.error]) + "</p>";
        status.innerHTML = "Refused layer." + notes;
      } else {
        view = decode(chunk, payload, state);
        refused.hidden = true;
        shown.hidden = false;
        status.innerHTML = call + "<br><code>" + escape(payload.repr) + "</code>" + notes;
        drawDiagram(view);
        drawMatrix(view);
        drawCounts(view);
        drawLegend(view);
        slider.max = view.nOut - 1;
        slider.value = 0;
        paint();
      }
      root.setAttribute("data-query", query);
      root.setAttribute("data-state", "ready");
    }).catch(function (error) {
      status.textContent = "The explorer could not load its data: " + error.message;
      root.setAttribute("data-state", "failed");
    });
  }

  function showQuery(search) {
    const read = readQuery(search);
    setForm(read.state);
    return render(read.state, read.problems);
  }

  /* ------------------------------------------------------------------ events */

  form.addEventListener("change", function () {
    const state = readForm();
    history.replaceState(null, "", "?" + queryOf(state) + location.hash);
    render(state, []);
  });
  window.addEventListener("popstate", function () { showQuery(location.search); });

  function unitOf(event, attribute) {
    const target = event.target.closest ? event.target.closest("[" + attribute + "]") : null;
    return target ? Number(target.getAttribute(attribute)) : null;
  }

  /* Mouse (or pen) hover over the elements of `svg` carrying `attribute`; touch taps instead. */
  function onHover(svg, attribute, current, update) {
    function set(value) {
      if (value !== current()) {
        update(value);
        paint();
      }
    }
    svg.addEventListener("pointerover", function (event) {
      if (event.pointerType === "mouse" || event.pointerType === "pen") set(unitOf(event, attribute));
    });
    svg.addEventListener("pointerleave", function () { set(null); });
  }

  onHover(diagram, "data-out", function () { return hoverOut; }, function (unit) { hoverOut = unit; });
  diagram.addEventListener("click", function (event) {
    const unit = unitOf(event, "data-out");
    if (unit !== null) {
      hoverOut = null;
      choose(selected === unit ? null : unit);
    }
  });
  diagram.setAttribute("tabindex", "0");
  diagram.addEventListener("keydown", function (event) {
    const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (moves[event.key]) {
      step(moves[event.key]);
      event.preventDefault();
    } else if (event.key === "Escape") {
      choose(null);
    }
  });

  onHover(matrix, "data-cell", function () { return hoverCell; }, function (k) { hoverCell = k; });
  matrix.addEventListener("click", function (event) {
    const k = unitOf(event, "data-cell");
    hoverCell = hoverCell === k ? null : k;
    paint();
  });

  root.querySelector(".sx-prev").addEventListener("click", function () { stopPlaying(); step(-1); });
  root.querySelector(".sx-next").addEventListener("click", function () { stopPlaying(); step(1); });
  slider.addEventListener("input", function () { stopPlaying(); choose(Number(slider.value)); });
  playButton.addEventListener("click", function () {
    if (player !== null) {
      stopPlaying();
      return;
    }
    step(1);
    player = setInterval(function () { step(1); }, PLAY_MS);
    playButton.textContent = "\u275a\u275a Pause";
    playButton.setAttribute("aria-pressed", "true");
  });

  showQuery(location.search);
})();
