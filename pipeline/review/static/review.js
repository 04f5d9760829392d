// The document page's keys and buttons. A decision marks its row as pending and moves the
// focus to the next undecided value at once; requests go out one after another in the
// order the keys were pressed, and each answer puts the changed rows in place.
"use strict";
(() => {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const base = document.body.dataset.doc;
  const tbody = document.getElementById("rows");
  const message = document.getElementById("message");
  const progress = document.getElementById("progress");
  const figure = document.getElementById("page-figure");
  const addForm = document.getElementById("add-form");
  const addField = document.getElementById("add-field");
  const addValue = document.getElementById("add-value");
  const addReason = document.getElementById("add-reason");
  const UNDECIDED = ["open", "changed", "gold-only"];
  let current = null; // the focused row's key: rows are replaced, keys stay
  let queue = Promise.resolve();

  const rows = () => Array.from(tbody.querySelectorAll("tr.value"));
  const rowOf = key => rows().find(row => row.dataset.key === key) || null;
  const currentRow = () => (current === null ? null : rowOf(current));

  function show(text, problem) {
    message.textContent = text;
    message.classList.toggle("empty", !text);
    message.classList.toggle("problem", Boolean(problem));
  }

  function focusRow(row) {
    if (!row) return;
    rows().forEach(other => other.classList.remove("current"));
    document.querySelectorAll("mark.focused").forEach(mark => mark.classList.remove("focused"));
    current = row.dataset.key;
    row.classList.add("current");
    row.scrollIntoView({block: "nearest"});
    const mention = row.dataset.mention && document.getElementById(row.dataset.mention);
    if (mention) {
      mention.classList.add("focused");
      mention.scrollIntoView({block: "center"});
    }
    // a table-row case's table opens while one of its values is focused
    document.querySelectorAll("details.source-table").forEach(table => {
      table.open = table.id === `table-${row.dataset.case}`;
    });
    if (figure && row.dataset.mention) {
      figure.querySelector("img").src = `${base}/source/${encodeURIComponent(row.dataset.mention)}.png`;
      figure.classList.remove("empty");
    }
  }

  function step(offset) {
    const all = rows();
    const at = all.indexOf(currentRow());
    focusRow(all[Math.max(0, Math.min(all.length - 1, at + offset))]);
  }

  function nextUndecided(from) {
    const all = rows();
    const at = all.indexOf(from);
    const order = all.slice(at + 1).concat(all.slice(0, Math.max(at, 0)));
    return order.find(row => UNDECIDED.includes(row.dataset.status)
                             && !row.classList.contains("pending")) || null;
  }

  async function post(path, fields) {
    const response = await fetch(base + path, {
      method: "POST", credentials: "same-origin", body: new URLSearchParams(fields),
      headers: {"X-CSRF-Token": csrf, "Accept": "application/json"}});
    let data;
    try { data = await response.json(); } catch { data = {error: `${response.status} ${response.statusText}`}; }
    if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
    return data;
  }

  function apply(data) {
    for (const {key, html} of data.rows) {
      const old = rowOf(key);
      if (html === null) {
        if (old) old.remove();
        continue;
      }
      const holder = document.createElement("tbody");
      holder.innerHTML = html.trim();
      const fresh = holder.firstElementChild;
      if (old) old.replaceWith(fresh);
      else tbody.insertBefore(fresh, tbody.querySelector("tr.kind-gold"));
      if (key === current) fresh.classList.add("current");
    }
    progress.textContent = data.progress;
  }

  // Queue one change; the answer replaces the rows, an error is shown and the row freed.
  function send(row, path, fields, moveOn) {
    const key = row.dataset.key;
    row.classList.add("pending");
    if (moveOn) focusRow(nextUndecided(row) || row);
    const done = queue.then(() => post(path, fields)).then(
      data => { apply(data); return data; },
      error => {
        const again = rowOf(key);
        if (again) again.classList.remove("pending");
        show(error.message, true);
        throw error;
      });
    queue = done.catch(() => {});
    return done;
  }

  function decide(action) {
    const row = currentRow();
    if (!row || row.classList.contains("pending")) return;
    const status = row.dataset.status;
    if (status === "gold-only") {
      if (action === "accept") {
        send(row, "/add", {field: row.dataset.field, value: row.dataset.value,
                           gold_key: row.dataset.key}, true);
      }
      return;
    }
    if (status === "added" && action !== "reset") return;
    send(row, "/decide", {key: row.dataset.key, action}, action !== "reset" || status === "added");
  }

  function edit() {
    const row = currentRow();
    const input = row && row.querySelector("input.edit:not([disabled])");
    if (input) { input.focus(); input.select(); }
  }

  function saveEdit(input) {
    const row = input.closest("tr");
    const key = row.dataset.key;
    row.querySelector(".reason").textContent = "";
    send(row, "/decide", {key, action: "correct", value: input.value}, false).then(
      () => focusRow(nextUndecided(rowOf(key)) || rowOf(key)),
      error => {
        const again = rowOf(key);
        again.querySelector(".reason").textContent = error.message;
        again.querySelector("input.edit").focus();
      });
  }

  function undo() {
    queue = queue.then(() => post("/undo", {})).then(data => {
      apply(data);
      const back = data.rows.map(({key}) => rowOf(key)).find(Boolean);
      if (back) focusRow(back);
      show("undone: " + data.rows[0].key);
    }, error => show(error.message, true));
  }

  tbody.addEventListener("click", event => {
    const row = event.target.closest("tr.value");
    if (!row) return;
    if (event.target.closest("input")) return;
    focusRow(row);
    const button = event.target.closest("button[data-action]");
    if (button) decide(button.dataset.action);
  });
  tbody.addEventListener("keydown", event => {
    if (event.key === "Enter" && event.target.matches("input.edit")) {
      event.preventDefault();
      saveEdit(event.target);
    }
  });
  document.getElementById("text").addEventListener("mouseup", () => {
    const selected = window.getSelection().toString().trim();
    if (selected) addValue.value = selected;
  });
  addForm.addEventListener("submit", event => {
    event.preventDefault();
    addReason.textContent = "";
    const fields = {field: addField.value, value: addValue.value};
    queue = queue.then(() => post("/add", fields)).then(data => {
      apply(data);
      show(`added ${fields.field}: ${fields.value}`);
      addValue.value = "";
    }, error => { addReason.textContent = error.message; });
  });
  document.addEventListener("keydown", event => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName);
    if (typing) {
      if (event.key === "Escape") { event.target.blur(); focusRow(currentRow()); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = {
      j: () => step(1), k: () => step(-1), a: () => decide("accept"), r: () => decide("reject"),
      x: () => decide("reset"), e: edit, u: undo, n: () => addValue.focus(),
    };
    if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
  });
  focusRow(nextUndecided(null) || rows()[0]);
})();
