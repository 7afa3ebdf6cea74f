/*
 * Show and hide questions as the applicant answers them.
 *
 * Every element with data-show-if carries the JSON of a condition (Condition.to_json()
 * in engine/spec/conditions_nodes.py); this script evaluates it against the form's
 * current values and sets or removes the element's `hidden` attribute. It is progressive
 * enhancement: without it every question shows and the server, which decides by the
 * answers, stays the judge. Plain ES2017, no dependencies, loaded with defer (the CSP
 * forbids inline script).
 *
 * window.FormConditions.evaluate(json, lookup[, today]) is the pure evaluator, kept in
 * step with the Python one (tests/unit/test_conditions.py runs both on the same inputs):
 *   lookup(ref, kind) returns a field's raw value: a string, a boolean, an array of
 *   option keys for a multiple choice, an array of items for a group, and for an
 *   aggregate ref GROUP.first.SUB (also last, min, max) the array of every item's raw
 *   SUB value in item order. undefined or null means no answer.
 *   today is "YYYY-MM-DD"; it defaults to <html data-today>, else the browser's date.
 * The result is true, false or null (unknown: a value it needs is missing).
 */
(function () {
  "use strict";

  // The same patterns as NUMBER_RE / DATE_RE / AGGREGATE_RE in conditions_nodes.py and
  // TIME_RE in time_of_day.py, so both sides agree on which typed strings are numbers,
  // dates and times.
  const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
  const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
  const TIME_RE = /^([0-9]{1,2})(?::([0-9]{2}))? *(?:([AaPp])\.? *(?:[Mm]\.?)?)?$/;
  const TIME_WORDS = { noon: 720, midnight: 0 };
  const AGGREGATE_RE = /^([^.]+)\.(first|last|min|max)\.([^.]+)$/;
  const ORDERED_KINDS = ["number", "date", "time"];
  const DAY_MS = 86400000;

  const COMPARE = {
    equals: (a, b) => a === b,
    not_equals: (a, b) => a !== b,
    greater_than: (a, b) => a > b,
    less_than: (a, b) => a < b,
    at_least: (a, b) => a >= b,
    at_most: (a, b) => a <= b,
    before: (a, b) => a < b,
    after: (a, b) => a > b,
    on_or_before: (a, b) => a <= b,
    on_or_after: (a, b) => a >= b,
  };

  function daysSinceEpoch(year, monthIndex, day) {
    const t = new Date(0);
    // setUTCFullYear, not Date.UTC: Date.UTC turns years 0-99 into 1900-1999.
    t.setUTCFullYear(year, monthIndex, day);
    return { t: t, days: Math.round(t.getTime() / DAY_MS) };
  }

  // A real YYYY-MM-DD date as a whole number of days since 1970-01-01 (so dates compare
  // and subtract as numbers), or null for anything else, like "2026-13-01".
  function dayNumber(raw) {
    if (typeof raw !== "string") return null;
    const text = raw.trim();
    if (!DATE_RE.test(text)) return null;
    const year = Number(text.slice(0, 4));
    const month = Number(text.slice(5, 7));
    const day = Number(text.slice(8, 10));
    if (year < 1) return null; // Python's date has no year 0
    const made = daysSinceEpoch(year, month - 1, day);
    // An impossible date rolls over (Feb 30 -> Mar 2); a changed field gives it away.
    if (made.t.getUTCFullYear() !== year || made.t.getUTCMonth() !== month - 1 ||
        made.t.getUTCDate() !== day) {
      return null;
    }
    return made.days;
  }

  // A time of day as typed ("9:30 pm", "9am", "14:30") as minutes after midnight, or null
  // (mirrors parse_time in time_of_day.py).
  function minuteOfDay(raw) {
    if (typeof raw !== "string") return null;
    const text = raw.trim();
    if (Object.prototype.hasOwnProperty.call(TIME_WORDS, text.toLowerCase())) {
      return TIME_WORDS[text.toLowerCase()];
    }
    const match = TIME_RE.exec(text);
    if (!match) return null;
    const hours = Number(match[1]);
    const minutes = match[2] === undefined ? 0 : Number(match[2]);
    if (minutes > 59) return null;
    if (match[3] === undefined) {
      // Without AM or PM only the 24-hour clock is unambiguous, and it has minutes.
      return match[2] !== undefined && hours <= 23 ? hours * 60 + minutes : null;
    }
    if (hours < 1 || hours > 12) return null;
    const pm = match[3] === "p" || match[3] === "P";
    return ((hours % 12) + (pm ? 12 : 0)) * 60 + minutes;
  }

  function localToday() {
    const now = new Date();
    return daysSinceEpoch(now.getFullYear(), now.getMonth(), now.getDate()).days;
  }

  // A raw value as a value of `kind`, or null when it is missing or not of that kind
  // (mirrors normalize() in conditions_nodes.py).
  function normalize(kind, raw) {
    if (raw === null || raw === undefined) return null;
    switch (kind) {
      case "text":
        return typeof raw === "string" && raw.trim() !== "" ? raw.trim() : null;
      case "number":
        if (typeof raw === "number") return isFinite(raw) ? raw : null;
        if (typeof raw !== "string") return null;
        // Thousands separators are dropped, as the server does when it reads the form.
        raw = raw.replace(/,/g, "").trim();
        if (!NUMBER_RE.test(raw)) return null;
        return isFinite(parseFloat(raw)) ? parseFloat(raw) : null;
      case "date":
        return dayNumber(raw);
      case "time":
        return minuteOfDay(raw);
      case "choice":
        return typeof raw === "string" && raw.trim() !== "" ? raw : null;
      case "choices": {
        if (!Array.isArray(raw)) return null;
        const picked = raw.filter((v) => typeof v === "string" && v.trim() !== "");
        return picked.length ? picked : null;
      }
      case "boolean":
        if (typeof raw === "boolean") return raw;
        if (raw === "yes") return true;
        if (raw === "no") return false;
        return null;
      case "group":
        return Array.isArray(raw) && raw.length ? raw : null;
      default:
        return null;
    }
  }

  function fieldValue(ref, kind, lookup) {
    const raw = lookup(ref, kind);
    const aggregate = AGGREGATE_RE.exec(ref);
    if (!aggregate) return normalize(kind, raw);
    if (!Array.isArray(raw) || raw.length === 0) return null;
    const how = aggregate[2];
    if (how === "first") return normalize(kind, raw[0]);
    if (how === "last") return normalize(kind, raw[raw.length - 1]);
    if (ORDERED_KINDS.indexOf(kind) < 0) return null;
    const values = raw.map((v) => normalize(kind, v)).filter((v) => v !== null);
    if (!values.length) return null;
    return how === "min" ? Math.min.apply(null, values) : Math.max.apply(null, values);
  }

  // An operand is a plain value (a date as "YYYY-MM-DD"), {ref: REF} or {today: true}.
  function operandValue(operand, kind, lookup, today) {
    if (operand !== null && typeof operand === "object") {
      if (operand.today === true) return kind === "date" ? today : null;
      if (typeof operand.ref === "string") return fieldValue(operand.ref, kind, lookup);
      throw new Error("unknown operand " + JSON.stringify(operand));
    }
    if (kind === "date") return dayNumber(operand);
    return kind === "time" ? minuteOfDay(operand) : operand;
  }

  function evalNode(node, lookup, today) {
    switch (node.op) {
      case "all": {
        const results = node.items.map((item) => evalNode(item, lookup, today));
        if (results.indexOf(false) >= 0) return false;
        return results.indexOf(null) >= 0 ? null : true;
      }
      case "any": {
        const results = node.items.map((item) => evalNode(item, lookup, today));
        if (results.indexOf(true) >= 0) return true;
        return results.indexOf(null) >= 0 ? null : false;
      }
      case "not": {
        const result = evalNode(node.item, lookup, today);
        return result === null ? null : !result;
      }
      case "is_filled":
        return (fieldValue(node.ref, node.kind, lookup) !== null) === node.value;
      case "contains": {
        const picked = fieldValue(node.ref, "choices", lookup);
        return picked === null ? null : picked.indexOf(node.value) >= 0;
      }
      case "one_of": {
        const left = fieldValue(node.ref, node.kind, lookup);
        if (left === null) return null;
        const rights = node.values.map((v) => operandValue(v, node.kind, lookup, today));
        if (rights.some((right) => right !== null && right === left)) return true;
        return rights.indexOf(null) >= 0 ? null : false;
      }
      case "days_between": {
        const start = operandValue(node.from, "date", lookup, today);
        const end = operandValue(node.to, "date", lookup, today);
        if (start === null || end === null) return null;
        return COMPARE[node.cmp](end - start, node.n);
      }
      case "business_days_between":
        return null; // no holiday calendar in the browser: only the server can count
      default: {
        const compare = COMPARE[node.op];
        if (!compare) throw new Error("unknown condition " + node.op);
        const left = fieldValue(node.ref, node.kind, lookup);
        const right = operandValue(node.value, node.kind, lookup, today);
        if (left === null || right === null) return null;
        return compare(left, right);
      }
    }
  }

  function evaluate(json, lookup, today) {
    let day = typeof today === "number" ? today : dayNumber(today);
    if (day === null) day = localToday();
    return evalNode(json, lookup, day);
  }

  function usesBusinessDays(node) {
    if (node.op === "business_days_between") return true;
    if (node.items) return node.items.some(usesBusinessDays);
    return node.item ? usesBusinessDays(node.item) : false;
  }

  // ---- the page -------------------------------------------------------------------

  function controls(name) {
    return Array.prototype.filter.call(
      document.getElementsByName(name),
      (el) => el.tagName === "INPUT" || el.tagName === "SELECT" || el.tagName === "TEXTAREA"
    );
  }

  function markedBoolean(el) {
    const marked = el.closest("[data-kind]");
    return marked !== null && marked.getAttribute("data-kind") === "boolean";
  }

  function readValue(name, kind) {
    const found = controls(name);
    if (!found.length) return null;
    // A renderer may pair a checkbox with a hidden input of the same name; the boxes win.
    const boxes = found.filter((el) => el.type === "radio" || el.type === "checkbox");
    if (boxes.length && boxes[0].type === "radio") {
      const checked = boxes.filter((el) => el.checked)[0];
      if (!checked) return null;
      if (kind === "boolean" || markedBoolean(checked)) {
        return checked.value === "yes" ? true : checked.value === "no" ? false : null;
      }
      return checked.value;
    }
    if (boxes.length) {
      // An attestation is one checkbox meaning yes/no: unticked is a "no", not missing.
      if (boxes.length === 1 && (kind === "boolean" || markedBoolean(boxes[0]))) {
        return boxes[0].checked;
      }
      return boxes.filter((el) => el.checked).map((el) => el.value);
    }
    const first = found[0];
    if (first.tagName === "SELECT" && first.multiple) {
      return Array.prototype.map.call(first.selectedOptions, (option) => option.value);
    }
    return first.value;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // The item indexes present for a group, ascending: inputs are named GROUP-INDEX-SUB.
  // Without `sub` (counting a group's items) GROUP-items markers count too, as they do
  // for the server (engine/runtime/answers.py group_indexes).
  function itemIndexes(group, sub) {
    const pattern = new RegExp(
      "^" + escapeRegExp(group) + "-(\\d+)-" + (sub === undefined ? "" : escapeRegExp(sub) + "$")
    );
    const seen = [];
    const add = (index) => {
      if (seen.indexOf(index) < 0) seen.push(index);
    };
    document.querySelectorAll("[name]").forEach((el) => {
      const name = el.getAttribute("name");
      const match = pattern.exec(name);
      if (match) add(Number(match[1]));
      if (sub === undefined && name === group + "-items" && /^\d+$/.test(el.value)) {
        add(Number(el.value));
      }
    });
    return seen.sort((a, b) => a - b);
  }

  // Reads the page for one element: a sibling ref inside a group item is that item's
  // input (prefix + ref) when the page has one, else the top-level field of that name.
  function pageLookup(prefix) {
    return function (ref, kind) {
      const aggregate = AGGREGATE_RE.exec(ref);
      if (aggregate) {
        const group = aggregate[1];
        const sub = aggregate[3];
        return itemIndexes(group, sub).map((i) => readValue(group + "-" + i + "-" + sub, kind));
      }
      const name = prefix && controls(prefix + ref).length ? prefix + ref : ref;
      return kind === "group" ? itemIndexes(name) : readValue(name, kind);
    };
  }

  function update() {
    const todayAttribute = document.documentElement.getAttribute("data-today");
    let today = dayNumber(todayAttribute);
    if (today === null) today = localToday();
    document.querySelectorAll("[data-show-if]").forEach((el) => {
      let show = true;
      try {
        const node = JSON.parse(el.getAttribute("data-show-if"));
        const holder = el.closest("[data-item-prefix]");
        const prefix = holder ? holder.getAttribute("data-item-prefix") : "";
        const result = evalNode(node, pageLookup(prefix), today);
        // Unknown hides, except when business days may be why: the server decides those.
        show = result === true || (result === null && usesBusinessDays(node));
      } catch (error) {
        show = true; // fail open: a question shown by mistake is still checked on the server
      }
      if (el.hidden === show) el.hidden = !show;
    });
  }

  const api = {
    evaluate: evaluate,
    normalize: normalize,
    dayNumber: dayNumber,
    minuteOfDay: minuteOfDay,
    usesBusinessDays: usesBusinessDays,
    update: update,
  };
  (typeof window !== "undefined" ? window : globalThis).FormConditions = api;

  if (typeof document !== "undefined") {
    const start = function () {
      document.documentElement.classList.add("js");
      update();
      document.addEventListener("input", update);
      document.addEventListener("change", update);
    };
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }
})();
