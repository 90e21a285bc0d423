// Acting on the notice board: the member's own key, in this browser.
//
// Every page reads without JavaScript; this script is what must run in the browser:
//
// - keys: an Ed25519 key pair made by WebCrypto, its private half not extractable, kept
//   in IndexedDB (one record per organization origin and member). The server never sees
//   a private key: it gets the public half once, in the member's enrollment, and then
//   only signatures.
// - statements: each act is the JSON {origin, type, actor, data, nonce, not_after},
//   serialized as RFC 8785 (the bytes the member signs), sent in the envelope
//   {statement, key, signature} to {root}/api/v1/{resource}/{ident}/acts.
// - act forms: built from the #acts section's data attributes (the acts the page's
//   resource takes now; an election's method, seats and candidates).
// - live pages: an element with data-live="URL" polls that JSON every few seconds and
//   fills its [data-live-field] elements; every page watches the checkpoint and says
//   when the log has grown since it was drawn.
(() => {
  "use strict";

  const script = document.currentScript;
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? "";
  const ROOT = meta("soviet-root").replace(/\/$/, "");
  const ORIGIN = meta("soviet-origin");
  const PAGE_SIZE = Number(script?.dataset.size ?? "0");
  const LIFETIME_MS = 10 * 60 * 1000; // how long a statement may wait to be recorded
  const POLL_MS = 3000;
  const ANSWER = "soviet-answer"; // the answer kept across the reload that follows an act
  const CHOSEN = "soviet-actor"; // the member this browser last acted as

  // -- RFC 8785 ------------------------------------------------------------------------

  // The canonical JSON text of a value: keys sorted by UTF-16 code units (the order of
  // Array.prototype.sort on strings), no spaces; strings and numbers as
  // JSON.stringify writes them, which is what RFC 8785 prescribes.
  function canonical(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    switch (typeof value) {
      case "string":
      case "boolean":
        return JSON.stringify(value);
      case "number":
        if (!Number.isFinite(value)) throw new TypeError("JSON has no NaN or Infinity");
        return JSON.stringify(value);
      case "object":
        return `{${Object.keys(value)
          .sort()
          .filter((k) => value[k] !== undefined)
          .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
          .join(",")}}`;
      default:
        throw new TypeError(`a statement carries no ${typeof value}`);
    }
  }

  // -- bytes -------------------------------------------------------------------------------

  const utf8 = (text) => new TextEncoder().encode(text);
  const base64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
  const hex = (buffer) =>
    [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const sha256 = async (bytes) => hex(await crypto.subtle.digest("SHA-256", bytes));
  const nonce = () => hex(crypto.getRandomValues(new Uint8Array(16)));
  // An instant as the log writes it: 2026-05-01T09:00:00Z.
  const instant = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

  // An enrollment code as typed, read back as soviet.domain.enrollment does: no case,
  // dashes or spaces; O read as 0, I and L as 1. Null if it is not a code.
  function normalizedCode(code) {
    const text = code.trim().toUpperCase().replace(/[- ]/g, "")
      .replace(/O/g, "0").replace(/[IL]/g, "1");
    return /^[0-9A-HJKMNP-TV-Z]{16}$/.test(text) ? text : null;
  }

  // The proof an enrollment carries: hex SHA-256 of the domain line and the code. The
  // log holds only the proof's own hash, so neither reveals the code.
  const proofOf = (code) => sha256(utf8(`soviet enrollment code\n${code}`));

  // -- the key store -------------------------------------------------------------------

  function openStore() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("soviet-keys", 1);
      request.onupgradeneeded = () => request.result.createObjectStore("keys", { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function store(mode, work) {
    const db = await openStore();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction("keys", mode);
        const request = work(tx.objectStore("keys"));
        tx.oncomplete = () => resolve(request?.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const recordId = (member) => `${ORIGIN}\n${member}`;
  const allKeys = () => store("readonly", (keys) => keys.getAll());
  // The keys this browser holds for this organization, by member id.
  const heldKeys = async () =>
    (await allKeys()).filter((k) => k.origin === ORIGIN).sort((a, b) => (a.member < b.member ? -1 : 1));
  const keep = (record) => store("readwrite", (keys) => keys.put(record));
  const forget = (member) => store("readwrite", (keys) => keys.delete(recordId(member)));

  async function newKeyPair() {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    const publicKey = base64(await crypto.subtle.exportKey("raw", pair.publicKey));
    const keyId = (await sha256(Uint8Array.from(atob(publicKey), (c) => c.charCodeAt(0)))).slice(0, 16);
    return { pair, publicKey, keyId };
  }

  // -- statements ----------------------------------------------------------------------

  function statementOf(type, actor, data) {
    return { origin: ORIGIN, type, actor, data, nonce: nonce(), not_after: instant(Date.now() + LIFETIME_MS) };
  }

  async function signed(statement, privateKey, keyId) {
    const bytes = utf8(canonical(statement));
    const signature = await crypto.subtle.sign({ name: "Ed25519" }, privateKey, bytes);
    return { statement, key: keyId, signature: base64(signature) };
  }

  // Post an envelope; the answer {ok, status, body} (a body {detail} when the server
  // could not be reached or did not answer JSON).
  async function post(resource, ident, envelope) {
    const url = `${ROOT}/api/v1/${resource}/${encodeURIComponent(ident)}/acts`;
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(envelope),
      });
    } catch (error) {
      return { ok: false, status: 0, body: { detail: `the server could not be reached (${error.message})` } };
    }
    let body;
    try {
      body = await response.json();
    } catch {
      body = { detail: `the server answered ${response.status} without an explanation` };
    }
    return { ok: response.ok, status: response.status, body };
  }

  async function act(resource, ident, type, actor, data) {
    const record = (await heldKeys()).find((k) => k.member === actor);
    if (!record) return { ok: false, status: 0, body: { detail: `this browser holds no key of ${actor}: enroll first` } };
    const envelope = await signed(statementOf(type, actor, data), record.privateKey, record.keyId);
    return post(resource, ident, envelope);
  }

  // -- answers in words ------------------------------------------------------------------

  const WORDS = {
    "election.opened": (d) => `Election ${d.election} is open for ${d.office} (${d.seats} seat${d.seats === 1 ? "" : "s"}).`,
    "candidate.nominated": (d) => `${d.candidate} is nominated in election ${d.election}.`,
    "candidate.accepted": (d) => `${d.candidate} accepts the nomination in election ${d.election}.`,
    "candidate.withdrew": (d) => `${d.candidate} withdraws from election ${d.election}.`,
    "election.started": (d) => `The vote in election ${d.election} has started: ${d.roll_size} electors, until ${d.voting_ends}.`,
    "ballot.cast": (d) =>
      d.abstain ? `Your abstention in election ${d.election} is recorded.`
        : d.choice.length === 0 ? `Your blank ballot in election ${d.election} is recorded.`
          : `Your ballot in election ${d.election} is recorded${d.replaces ? " (it replaces your earlier one)" : ""}.`,
    "election.extended": (d) => `The vote in election ${d.election} is extended by ${d.days} days, until ${d.voting_ends}.`,
    "election.closed": (d) => `Election ${d.election} is closed: ${d.outcome}.`,
    "mandate.granted": (d) => `${d.holder} holds ${d.office} (mandate ${d.mandate}, seat ${d.seat}) until ${d.until}.`,
    "mandate.recalled": (d) => `Mandate ${d.mandate} is recalled.`,
    "mandate.lapsed": (d) => `Mandate ${d.mandate} lapses: ${d.reason}.`,
    "mandate.resigned": (d) => `Mandate ${d.mandate} is resigned.`,
    "petition.opened": (d) => `Petition ${d.petition} to recall mandate ${d.mandate} is open until ${d.expires}.`,
    "petition.signed": (d) => `Your signature on petition ${d.petition} is recorded.`,
    "recall.vote_opened": (d) => `The recall vote on petition ${d.petition} is open: ${d.roll_size} electors, until ${d.voting_ends}.`,
    "recall.ballot_cast": (d) => `Your recall vote (${d.vote}) on petition ${d.petition} is recorded.`,
    "recall.closed": (d) => `The recall vote on petition ${d.petition} is closed: ${d.outcome}.`,
    "member.key_registered": (d) => `The key ${d.key} of ${d.member} is registered.`,
  };

  function inWords(answer) {
    if (!answer.ok) return `Refused: ${answer.body?.detail ?? `the server answered ${answer.status}`}`;
    const events = (answer.body.events ?? []).filter((e) => e.type !== "checkpoint.logged");
    const said = events.map((e) => (WORDS[e.type] ?? ((d) => `${e.type} by ${e.actor}.`))(e.data));
    const again = answer.status === 200 ? " (This act was recorded before: nothing new was written.)" : "";
    return `${said.join(" ")}${again}`;
  }

  // After an act, the page's data is redrawn by reloading it; the answer waits in the
  // session for the page to say it again.
  function answered(region, answer) {
    const text = inWords(answer);
    if (answer.ok) {
      sessionStorage.setItem(ANSWER, text);
      location.reload();
    } else {
      say(region, text, true);
    }
  }

  function say(region, text, refused = false) {
    region.textContent = text;
    region.classList.toggle("refused", refused);
  }

  // -- small DOM helpers ---------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  let serial = 0;
  const fresh = (stem) => `${stem}-${++serial}`;

  function field(labelText, input, hint) {
    input.id ||= fresh("f");
    const hintNode = hint ? el("p", { class: "hint", id: `${input.id}-hint`, text: hint }) : null;
    if (hintNode) input.setAttribute("aria-describedby", hintNode.id);
    return el("p", { class: "field" }, el("label", { for: input.id, text: labelText }), " ", input, hintNode);
  }

  // -- enrollment ----------------------------------------------------------------------

  async function enroll(form, region) {
    const member = form.elements.member.value.trim();
    const code = normalizedCode(form.elements.code.value);
    if (!member) return say(region, "Give your member id.", true);
    if (!code) return say(region, "The enrollment code is 16 letters and digits, as XXXX-XXXX-XXXX-XXXX.", true);
    say(region, "Making your key in this browser…");
    const { pair, publicKey, keyId } = await newKeyPair();
    const statement = statementOf("key.enroll", member, { public_key: publicKey, proof: await proofOf(code) });
    const answer = await post("members", member, await signed(statement, pair.privateKey, keyId));
    if (!answer.ok) return say(region, inWords(answer), true);
    await keep({
      id: recordId(member), origin: ORIGIN, member, keyId, publicKey,
      privateKey: pair.privateKey, enrolledAt: instant(Date.now()),
    });
    localStorage.setItem(CHOSEN, member);
    form.reset();
    say(region, `${inWords(answer)} This browser now signs ${member}'s acts with it.`);
    await showHeld();
  }

  async function showHeld() {
    const list = document.getElementById("held-keys");
    if (!list) return;
    const held = await heldKeys();
    list.replaceChildren(
      ...(held.length === 0
        ? [el("li", { text: "None yet." })]
        : held.map((k) => {
          const button = el("button", { type: "button", class: "forget", text: `Forget ${k.member}'s key` });
          button.addEventListener("click", async () => {
            if (!confirm(`Forget ${k.member}'s key? This browser will no longer act for ${k.member}; you would need a new code.`)) return;
            await forget(k.member);
            await showHeld();
          });
          return el("li", {}, el("strong", { text: k.member }), ` — key ${k.keyId}, enrolled ${k.enrolledAt} `, button);
        })),
    );
  }

  // -- the acting member ---------------------------------------------------------------

  // The picker of the member who acts, or a note that this browser holds no key.
  function actorPicker(held) {
    if (held.length === 0) {
      return {
        node: el("p", { class: "nokey" }, "To act, this browser needs your key: ",
          el("a", { href: `${ROOT}/enroll`, text: "enroll with your code" }), "."),
        actor: () => null,
      };
    }
    if (held.length === 1) {
      return {
        node: el("p", { class: "actor" }, "Acting as ", el("strong", { text: held[0].member }),
          ` (key ${held[0].keyId}, held in this browser).`),
        actor: () => held[0].member,
      };
    }
    const chosen = localStorage.getItem(CHOSEN);
    const select = el("select", { name: "actor" },
      ...held.map((k) => el("option", { value: k.member, selected: k.member === chosen, text: `${k.member} (key ${k.keyId})` })));
    select.addEventListener("change", () => localStorage.setItem(CHOSEN, select.value));
    return { node: field("Acting as", select), actor: () => select.value };
  }

  // -- act forms -----------------------------------------------------------------------

  const RANKED = new Set(["irv", "stv", "meek", "schulze", "ranked-pairs"]);

  // Each act's form: its title, its fields, and the statement data they make (or a
  // string saying what is missing).
  const FORMS = {
    "election.nominate": (s) => {
      const input = el("input", { name: "candidate", autocomplete: "off", required: true });
      return {
        title: "Nominate a candidate",
        body: [field("Member id", input, "The member you nominate; they accept the nomination themselves.")],
        button: "Nominate",
        data: () => (input.value.trim() ? { election: s.ident, candidate: input.value.trim() } : "Give the member id of the candidate."),
      };
    },
    "election.accept": (s, actor) => ({
      title: "Accept your nomination",
      button: "Accept my nomination",
      data: () => ({ election: s.ident, candidate: actor() }),
    }),
    "election.withdraw": (s, actor) => ({
      title: "Withdraw your candidacy",
      button: "Withdraw",
      data: () => ({ election: s.ident, candidate: actor() }),
    }),
    "election.start": (s) => ({
      title: "Start the vote",
      button: "Start the vote",
      data: () => ({ election: s.ident }),
    }),
    vote: (s) => ballotForm(s),
    "election.extend": (s) => {
      const input = el("input", { name: "days", type: "number", min: "1", step: "1", value: "1", inputmode: "numeric" });
      return {
        title: "Extend the vote",
        body: [field("Days", input)],
        button: "Extend",
        data: () => (/^\d+$/.test(input.value) && Number(input.value) >= 1
          ? { election: s.ident, days: Number(input.value) } : "The days are a whole number, 1 or more."),
      };
    },
    "election.close": (s) => ({
      title: "Close the vote and count it",
      button: "Close the vote",
      data: () => ({ election: s.ident }),
    }),
    "election.open": (s) => ({
      title: "Open an election for this office",
      button: "Open an election",
      data: () => ({ office: s.ident }),
    }),
    "recall.open": (s) => reasoned(s, "Petition to recall this mandate", "Why recall it", "Open a recall petition", true),
    "mandate.resign": (s) => reasoned(s, "Resign this mandate", "Why (optional)", "Resign", false),
    "recall.sign": (s) => ({
      title: "Sign the recall petition",
      button: "Sign the petition",
      data: () => ({ petition: s.ident }),
    }),
    "recall.vote": (s) => {
      const name = fresh("recall");
      const options = [["yes", "Yes: recall the mandate"], ["no", "No: keep the mandate"], ["abstain", "Abstain"]];
      const set = el("fieldset", {}, el("legend", { text: "Your recall vote" }),
        ...options.map(([value, text]) => {
          const id = fresh("v");
          return el("p", { class: "choice" }, el("input", { type: "radio", name, id, value }), " ", el("label", { for: id, text }));
        }));
      return {
        title: "Vote on the recall",
        body: [set],
        button: "Cast my recall vote",
        data: () => {
          const picked = set.querySelector("input:checked");
          return picked ? { petition: s.ident, vote: picked.value } : "Choose yes, no or abstain.";
        },
      };
    },
    "recall.close": (s) => ({
      title: "Close the recall vote and count it",
      button: "Close the recall vote",
      data: () => ({ petition: s.ident }),
    }),
  };
  // The short names a page may use for the same acts.
  const ALIASES = { nominate: "election.nominate", accept: "election.accept", withdraw: "election.withdraw", start: "election.start", extend: "election.extend", close: "election.close" };

  function reasoned(s, title, label, button, needed) {
    const input = el("textarea", { name: "reason", rows: "2", required: needed });
    return {
      title,
      body: [field(label, input)],
      button,
      data: () => (needed && !input.value.trim() ? "Give the reason." : { mandate: s.ident, reason: input.value.trim() }),
    };
  }

  // The ballot, by the election's method: a ranking (numbered boxes, or drag to
  // reorder), an approval set, one choice, or up to `seats` choices; a blank ballot and
  // an abstention are always there.
  function ballotForm(s) {
    const ranked = RANKED.has(s.method);
    const several = s.method === "approval" || (!ranked && s.seats > 1);
    let body;
    let choice;
    if (ranked) [body, choice] = ranking(s.candidates);
    else [body, choice] = marks(s.candidates, several, s.method === "approval" ? null : s.seats);
    return {
      title: "Your ballot",
      body: [body],
      button: "Cast my ballot",
      extra: [["blank", "Cast a blank ballot"], ["abstain", "Abstain"]],
      data: (how) => {
        if (how === "blank") return { election: s.ident, choice: [] };
        if (how === "abstain") return { election: s.ident, choice: [], abstain: true };
        const picked = choice();
        if (typeof picked === "string") return picked;
        if (picked.length === 0) return "Choose at least one candidate, or cast a blank ballot.";
        return { election: s.ident, choice: picked };
      },
    };
  }

  // A candidate as a ballot shows them: their name and id, when the page gives names.
  let NAMES = {};
  function shownName(candidate) {
    const name = NAMES[candidate];
    return name && name !== candidate ? `${name} (${candidate})` : candidate;
  }

  function ranking(candidates) {
    const list = el("ol", { class: "ranking" });
    const boxes = new Map();
    for (const candidate of candidates) {
      const input = el("input", {
        type: "number", min: "1", max: String(candidates.length), step: "1", inputmode: "numeric",
        class: "rank", "data-candidate": candidate,
      });
      boxes.set(candidate, input);
      const item = el("li", { draggable: "true", "data-candidate": candidate },
        el("span", { class: "grip", "aria-hidden": "true", text: "⠿" }), " ",
        el("label", { for: (input.id = fresh("rank")), text: shownName(candidate) }), " ", input);
      list.append(item);
    }
    const renumber = () => [...list.children].forEach((li, i) => { boxes.get(li.dataset.candidate).value = String(i + 1); });
    let dragged = null;
    list.addEventListener("dragstart", (e) => {
      dragged = e.target.closest("li");
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", dragged?.dataset.candidate ?? "");
      dragged?.classList.add("dragging");
    });
    list.addEventListener("dragend", () => { dragged?.classList.remove("dragging"); dragged = null; });
    list.addEventListener("dragover", (e) => { if (dragged) e.preventDefault(); });
    list.addEventListener("drop", (e) => {
      e.preventDefault();
      const target = e.target.closest("li");
      if (!dragged || !target || target === dragged) return;
      const box = target.getBoundingClientRect();
      list.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? target.nextSibling : target);
      renumber();
    });
    // A number typed in a box puts the list in its order (unnumbered last), focus kept.
    list.addEventListener("change", () => {
      const focused = document.activeElement;
      const rank = (li) => Number(boxes.get(li.dataset.candidate).value) || Infinity;
      [...list.children].sort((a, b) => rank(a) - rank(b)).forEach((li) => list.append(li));
      if (focused instanceof HTMLElement) focused.focus();
    });
    const set = el("fieldset", { class: "ballot" },
      el("legend", { text: "Rank the candidates: 1 is your first choice, 2 your second, and so on. Leave a box empty not to rank that candidate; you may also drag the candidates into your order." }),
      list);
    const choice = () => {
      const numbered = [];
      for (const [candidate, input] of boxes) {
        const text = input.value.trim();
        if (text === "") continue;
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) return `The number for ${candidate} must be a whole number, 1 or more.`;
        numbered.push([n, candidate]);
      }
      numbered.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < numbered.length; i++) {
        if (numbered[i][0] === numbered[i - 1][0]) return `${numbered[i - 1][1]} and ${numbered[i][1]} both have the number ${numbered[i][0]}: give each a place of its own.`;
      }
      return numbered.map(([, candidate]) => candidate);
    };
    return [set, choice];
  }

  function marks(candidates, several, limit) {
    const name = fresh("choice");
    const inputs = candidates.map((candidate) =>
      el("input", { type: several ? "checkbox" : "radio", name, id: fresh("c"), value: candidate }));
    const legend = several
      ? (limit ? `Choose up to ${limit} candidates.` : "Choose every candidate you approve of.")
      : "Choose one candidate.";
    const set = el("fieldset", { class: "ballot" }, el("legend", { text: legend }),
      ...inputs.map((input) => el("p", { class: "choice" }, input, " ", el("label", { for: input.id, text: shownName(input.value) }))));
    if (several && limit) {
      set.addEventListener("change", () => {
        const full = inputs.filter((i) => i.checked).length >= limit;
        for (const input of inputs) input.disabled = full && !input.checked;
      });
    }
    return [set, () => inputs.filter((i) => i.checked).map((i) => i.value)];
  }

  async function actForms(section) {
    const s = {
      resource: section.dataset.resource,
      ident: section.dataset.ident,
      method: section.dataset.method ?? "",
      seats: Number(section.dataset.seats ?? "1") || 1,
      candidates: JSON.parse(section.dataset.candidates || "[]"),
      names: (NAMES = JSON.parse(section.dataset.names || "{}")),
    };
    const types = (section.dataset.acts ?? "").split(/\s+/).filter((t) => FORMS[ALIASES[t] ?? t]).map((t) => ALIASES[t] ?? t);
    // The answer to the act that reloaded the page is said even when no act is left.
    const region = el("p", { class: "answer", role: "status", "aria-live": "polite" });
    section.append(region);
    const waiting = sessionStorage.getItem(ANSWER);
    if (waiting) {
      sessionStorage.removeItem(ANSWER);
      say(region, waiting);
    }
    if (!s.resource || !s.ident || types.length === 0) return;
    let held = [];
    try {
      held = await heldKeys();
    } catch {
      section.append(el("p", { class: "nokey", text: "This browser keeps no keys (its storage is closed to this page), so acts cannot be signed here." }));
      return;
    }
    const picker = actorPicker(held);
    region.before(picker.node);
    for (const type of types) {
      const make = FORMS[type];
      if (!make) continue;
      const spec = make(s, picker.actor);
      const heading = el("h3", { id: fresh("act"), text: spec.title });
      const buttons = [el("button", { type: "submit", name: "how", value: "act", text: spec.button }),
        ...(spec.extra ?? []).map(([value, text]) => el("button", { type: "submit", name: "how", value, class: "secondary", text }))];
      const form = el("form", { class: "act", "data-act": type, "aria-labelledby": heading.id, novalidate: true },
        heading, ...(spec.body ?? []), el("p", { class: "buttons" }, ...buttons));
      if (!picker.actor()) for (const b of buttons) b.disabled = true;
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const actor = picker.actor();
        if (!actor) return say(region, "This browser holds no key: enroll first.", true);
        const data = spec.data(event.submitter?.value ?? "act");
        if (typeof data === "string") return say(region, data, true);
        for (const b of buttons) b.disabled = true;
        say(region, "Signing and sending…");
        try {
          answered(region, await act(s.resource, s.ident, type, actor, data));
        } catch (error) {
          say(region, `The act could not be signed here: ${error.message}`, true);
        } finally {
          for (const b of buttons) b.disabled = false;
        }
      });
      section.append(form);
    }
  }

  // -- live pages ----------------------------------------------------------------------

  const at = (value, path) => path.split(".").reduce((v, k) => (v === null || v === undefined ? v : v[k]), value);

  // A field's text from its value: numbers with thousands marks, lists by how many
  // they hold.
  function shown(value) {
    if (typeof value === "number") return value.toLocaleString("en");
    if (Array.isArray(value)) return value.length.toLocaleString("en");
    if (value === null || value === undefined || typeof value === "object") return null;
    return String(value);
  }

  function live(node) {
    const url = node.dataset.live;
    const tick = async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const value = await response.json();
        for (const target of node.querySelectorAll("[data-live-field]")) {
          const text = shown(at(value, target.dataset.liveField));
          if (text !== null && target.textContent !== text) target.textContent = text;
        }
      } catch {
        // the next tick tries again
      }
    };
    setInterval(tick, POLL_MS);
  }

  function watchLog(every) {
    const banner = document.getElementById("behind");
    if (!banner || !PAGE_SIZE) return;
    const tick = async () => {
      if (document.hidden) return;
      try {
        const response = await fetch(`${ROOT}/api/v1/checkpoint`, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const { size } = await response.json();
        if (size > PAGE_SIZE) {
          const n = size - PAGE_SIZE;
          banner.replaceChildren(
            `The log has ${n.toLocaleString("en")} new event${n === 1 ? "" : "s"} since this page was drawn. `,
            el("a", { href: location.href, text: "Reload the page" }), ".");
          banner.hidden = false;
        }
      } catch {
        // the next tick tries again
      }
    };
    setInterval(tick, every);
  }

  // -- start ---------------------------------------------------------------------------

  function start() {
    const enrollForm = document.getElementById("enroll");
    if (enrollForm) {
      const region = document.getElementById("enroll-answer");
      enrollForm.hidden = false;
      for (const node of document.querySelectorAll("[data-needs-script]")) node.hidden = false;
      if (!window.isSecureContext || !crypto.subtle) {
        say(region, "This page is not served over HTTPS (or from this machine), so the browser makes no keys here.", true);
      }
      enrollForm.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          await enroll(enrollForm, region);
        } catch (error) {
          say(region, `The key could not be made in this browser: ${error.message}`, true);
        }
      });
      showHeld().catch(() => {});
    }
    const section = document.getElementById("acts");
    if (section) actForms(section).catch((error) => console.error(error));
    const liveNodes = document.querySelectorAll("[data-live]");
    liveNodes.forEach(live);
    watchLog(liveNodes.length > 0 ? POLL_MS : 10 * POLL_MS);
  }

  // What the tests check against the Python side.
  window.soviet = { canonical, normalizedCode, proofOf, heldKeys };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
