// The offline visit page: plain JS, no NiceGUI. Households cached at the last online sign-in,
// a visit form whose drafts and finished visits live in IndexedDB, and a sync that sends them
// to /api/v1 with their client-made ids whenever the phone is online.
(function () {
  "use strict";
  const Store = window.DoorstepStore;
  // The server's limits, put in the page by /offline (pages/pwa.py); the defaults match its defaults.
  function limit(name, fallback) {
    const meta = document.querySelector(`meta[name="doorstep-${name}"]`);
    return meta ? Number(meta.content) || fallback : fallback;
  }
  const MAX_PHOTOS = limit("max-photos", 6);
  const TEXT = {
    zh: {
      title: "离线走访", online: "在线", offline: "离线", switch_lang: "English",
      waiting: (v, p) => `${v} 次走访、${p} 张照片待发送`,
      rejected_count: (n) => `${n} 次走访未被接受，见下方原因`,
      send_now: "立即发送", export_unsent: "导出未发送", export: "导出文件", retry: "重新发送", delete: "删除",
      households: "我的结对户", visits_on_phone: "本机上的走访", no_visits: "暂无",
      no_households: "本机没有保存结对户。请在联网时登录一次，结对户会保存到本机。",
      sign_in: "登录", signed_in_as: (n) => `已登录：${n}`,
      signed_out: "未登录：联网后请登录，才能发送走访。",
      log_visit: "记录走访", continue_draft: "继续填写",
      when: "时间", where: "地点", loc_gps: "使用我的位置", loc_address: "在登记地址", loc_none: "不记录地点",
      notes: "备注", needs: "提出的需求", help: "提供的帮助", consent: "居民同意拍摄并保存照片",
      add_photos: "添加照片", save_visit: "保存走访", keep_draft: "稍后继续", discard: "删除草稿",
      locating: "正在定位…", located: (m) => `已定位（精度约 ${m} 米）`,
      loc_denied: "无法获取定位（未授权或无信号）。可选择“在登记地址”。",
      no_address_location: "该户没有登记位置。", at_address: "记录为登记地址的位置。",
      need_consent: "有照片时需要居民同意。请勾选同意或删除照片。",
      need_location: "请先获取定位，或选择其他地点方式。", bad_time: "时间无效或在将来。",
      too_many_photos: (n) => `每次走访最多 ${n} 张照片。`, shrinking: "正在压缩照片…",
      photo_failed: "这张照片无法读取。",
      too_large: (w, h) => `图片尺寸过大（${w}x${h} 像素）。`,
      status_draft: "草稿", status_queued: "等待发送", status_sent: "已发送", status_rejected: "未被接受",
      photos_n: (n) => `${n} 张照片`,
      receipt: (id, t) => `回执：${id} · 服务器时间 ${t}`,
      reason: (r) => `原因：${r}`,
      other_account: "属于另一个账号：请用该账号登录后发送。",
      sending: "正在发送…", sent_all: "全部已发送。", try_later: "暂时无法发送，稍后自动重试。",
      offline_wait: "离线：联网后会自动发送。", confirm_delete: "确定删除这条未发送的走访？删除后无法恢复。",
      saved_queued: "已保存到本机，等待发送。", storage_kept: "本机存储已设为持久保存。",
      never_visited: "从未走访", days_since: (d) => `距上次走访 ${d} 天`,
      due_soon: (d) => `即将到期 · 距上次走访 ${d} 天`,
    },
    en: {
      title: "Offline visits", online: "Online", offline: "Offline", switch_lang: "中文",
      waiting: (v, p) => `${v} visit${v === 1 ? "" : "s"}, ${p} photo${p === 1 ? "" : "s"} waiting`,
      rejected_count: (n) => `${n} visit${n === 1 ? " was" : "s were"} not accepted: see the reason below`,
      send_now: "Send now", export_unsent: "Export unsent", export: "Export as file", retry: "Send again",
      delete: "Delete", households: "My households", visits_on_phone: "Visits on this phone", no_visits: "None yet",
      no_households: "No households are saved on this phone. Sign in once while online and they will be saved.",
      sign_in: "Sign in", signed_in_as: (n) => `Signed in as ${n}`,
      signed_out: "Signed out: sign in while online to send your visits.",
      log_visit: "Log visit", continue_draft: "Continue",
      when: "When", where: "Where", loc_gps: "Use my location", loc_address: "At the registered address",
      loc_none: "No location", notes: "Notes", needs: "Needs raised", help: "Help given",
      consent: "The resident agrees to photos being taken and kept", add_photos: "Add photos", save_visit: "Save visit",
      keep_draft: "Finish later", discard: "Delete draft", locating: "Finding your location…",
      located: (m) => `Location found (about ${m} m accurate)`,
      loc_denied: "No location (not allowed or no signal). You can choose \u201cAt the registered address\u201d.",
      no_address_location: "This household has no registered location.",
      at_address: "Recorded at the household's registered location.",
      need_consent: "Photos need the resident's consent. Tick consent or remove the photos.",
      need_location: "Find your location first, or choose another option.", bad_time: "The time is not valid or in the future.",
      too_many_photos: (n) => `At most ${n} photos per visit.`, shrinking: "Shrinking photos…",
      photo_failed: "This photo could not be read.",
      too_large: (w, h) => `This image is too large (${w}x${h} pixels).`,
      status_draft: "Draft", status_queued: "Waiting to be sent", status_sent: "Sent", status_rejected: "Not accepted",
      photos_n: (n) => `${n} photo${n === 1 ? "" : "s"}`,
      receipt: (id, t) => `Receipt: ${id} · server time ${t}`,
      reason: (r) => `Reason: ${r}`,
      other_account: "Belongs to another account: sign in with it to send.",
      sending: "Sending…", sent_all: "Everything has been sent.", try_later: "Could not send now; will retry automatically.",
      offline_wait: "Offline: visits will be sent when the phone is online.",
      confirm_delete: "Delete this unsent visit? It cannot be recovered.",
      saved_queued: "Saved on this phone, waiting to be sent.", storage_kept: "Storage on this phone is persistent.",
      never_visited: "Never visited", days_since: (d) => `${d} day${d === 1 ? "" : "s"} since last visit`,
      due_soon: (d) => `Due soon · ${d} day${d === 1 ? "" : "s"} since last visit`,
    },
  };
  const state = { households: [], visits: [], account: null, draft: null, syncing: false, again: false,
                  retryTimer: null, backoff: 5000, message: "", urls: [] };
  const $ = (id) => document.getElementById(id);
  const t = (key, ...args) => { const v = TEXT[Store.lang()][key]; return typeof v === "function" ? v(...args) : v; };

  // --- helpers -------------------------------------------------------------------------------
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function formatTime(iso) {
    try {
      return new Intl.DateTimeFormat(Store.lang() === "zh" ? "zh-CN" : "en", { dateStyle: "medium", timeStyle: "short" })
        .format(new Date(iso));
    } catch (e) { return iso; }
  }
  function localInputValue(date) {
    const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 16);
  }
  async function sha256Hex(blob) {
    const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, "0")).join("");
  }
  function maxPixels() {
    return limit("max-pixels", 0); // 0: image-size.js's default
  }
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "onclick") node.addEventListener("click", v);
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  const saveVisit = (visit) => { visit.updated_at = new Date().toISOString(); return Store.put("visits", visit); };

  // --- loading and rendering -----------------------------------------------------------------
  async function load() {
    state.visits = (await Store.getAll("visits")).sort((a, b) => (b.created_at || "").localeCompare(a.created_at || ""));
    state.households = byMostOverdue(await Store.getAll("households"), state.visits);
    const token = Store.savedToken();
    state.account = token ? token.user : (await Store.getMeta("account")) || null;
  }

  // As on the start page: never visited first, then the longest since the last visit. The days
  // are counted here, so they go on while the phone is offline, and a visit saved on this phone
  // counts at once. The thresholds come with each household from the server (services/visit_status).
  const DAY_MS = 86400000;
  function byMostOverdue(households, visits) {
    const local = {};
    for (const v of visits) {
      if (v.status !== "queued" && v.status !== "sent") continue;
      const at = Date.parse(v.visited_at || "");
      if (!Number.isNaN(at) && !(local[v.household_id] >= at)) local[v.household_id] = at;
    }
    for (const h of households) {
      const server = h.last_visit_at ? Date.parse(h.last_visit_at) : NaN;
      const candidates = [server, local[h.id]].filter((x) => typeof x === "number" && !Number.isNaN(x));
      h.lastVisitMs = candidates.length ? Math.max(...candidates) : null;
    }
    return households.sort((a, b) => (a.lastVisitMs === null ? -Infinity : a.lastVisitMs)
      - (b.lastVisitMs === null ? -Infinity : b.lastVisitMs) || a.id - b.id);
  }
  function visitAge(h) {
    if (h.lastVisitMs === null || h.lastVisitMs === undefined) return { status: "overdue", text: t("never_visited") };
    const ageDays = (Date.now() - h.lastVisitMs) / DAY_MS;
    const days = Math.max(0, Math.floor(ageDays));
    if (ageDays >= (h.interval_days || 30)) return { status: "overdue", text: t("days_since", days) };
    if (ageDays >= (h.due_soon_after_days || 22.5)) return { status: "due_soon", text: t("due_soon", days) };
    return { status: "on_time", text: t("days_since", days) };
  }

  function applyTexts() {
    document.documentElement.lang = Store.lang() === "zh" ? "zh-CN" : "en";
    document.title = "Doorstep · " + t("title");
    for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
    $("lang").textContent = t("switch_lang");
    // Signed in, the page speaks the account's language (switched in the app); the switch here
    // is for a phone nobody is signed in on.
    $("lang").hidden = !!Store.accountLang();
  }

  function render() {
    const online = navigator.onLine;
    $("net").textContent = online ? t("online") : t("offline");
    $("net").className = "pill" + (online ? "" : " off");
    const counts = Store.unsent(state.visits);
    $("queue-summary").textContent = t("waiting", counts.visits, counts.photos);
    $("queue-summary").dataset.visits = counts.visits;
    $("queue-summary").dataset.photos = counts.photos;
    $("export-unsent").hidden = counts.visits + counts.rejected === 0;
    const account = $("account-line");
    account.innerHTML = "";
    if (Store.savedToken()) account.append(t("signed_in_as", state.account ? state.account.name : ""));
    else account.append(t("signed_out"), " ", el("a", { href: "/login?redirect_to=/offline" }, t("sign_in")));
    const lines = [state.message];
    if (counts.rejected) lines.push(t("rejected_count", counts.rejected));
    $("sync-message").textContent = lines.filter(Boolean).join(" ");
    $("send-now").disabled = state.syncing || !online || counts.visits === 0;
    renderHouseholds();
    renderVisits();
  }

  function renderHouseholds() {
    const list = $("households");
    list.innerHTML = "";
    $("households-empty").hidden = state.households.length > 0;
    $("households-empty").textContent = t("no_households");
    for (const h of state.households) {
      const age = visitAge(h);
      list.append(el("li", { class: "household", "data-household": h.id, "data-status": age.status },
        el("div", {}, el("b", {}, h.head_name), el("span", { class: "muted" }, h.address),
          el("span", { class: `age ${age.status}`, "data-testid": `age-${h.id}` }, age.text)),
        el("button", { type: "button", "data-testid": `log-${h.id}`, onclick: () => openForm(h) }, t("log_visit"))));
    }
  }

  function renderVisits() {
    for (const url of state.urls) URL.revokeObjectURL(url);
    state.urls = [];
    const list = $("visits");
    list.innerHTML = "";
    $("visits-empty").hidden = state.visits.length > 0;
    const userId = state.account ? state.account.id : null;
    for (const v of state.visits) {
      const photos = (v.photos || []).length;
      const item = el("li", { "data-visit": v.id, "data-status": v.status },
        el("b", {}, v.household ? v.household.head_name : `#${v.household_id}`),
        el("div", { class: "muted" }, `${formatTime(v.visited_at)} · ${t("photos_n", photos)}`),
        el("div", { class: `status ${v.status}` }, t(`status_${v.status}`)));
      if (v.status === "sent" && v.receipt) {
        item.append(el("div", { class: "receipt", "data-testid": "receipt" },
          t("receipt", v.receipt.id, formatTime(v.receipt.server_time))));
      }
      if (v.status === "queued" && userId && v.user_id !== userId) item.append(el("div", { class: "error" }, t("other_account")));
      if (v.status === "rejected") item.append(el("div", { class: "error", "data-testid": "reason" }, t("reason", v.reason || "")));
      const actions = el("div", { class: "row", style: "margin-top:6px" });
      if (v.status === "draft") actions.append(el("button", { type: "button", class: "flat", onclick: () => openDraft(v) }, t("continue_draft")));
      if (v.status === "rejected") {
        actions.append(el("button", { type: "button", class: "flat", "data-testid": "export-visit", onclick: () => exportVisits([v]) }, t("export")));
        actions.append(el("button", { type: "button", class: "flat", onclick: () => retryVisit(v) }, t("retry")));
        actions.append(el("button", { type: "button", class: "flat", onclick: () => deleteVisit(v) }, t("delete")));
      }
      if (actions.childNodes.length) item.append(actions);
      list.append(item);
    }
  }

  // --- the form ------------------------------------------------------------------------------
  async function openForm(household) {
    const now = new Date();
    const draft = {
      id: uuid(), status: "draft", user_id: state.account ? state.account.id : null,
      household_id: household.id,
      household: { head_name: household.head_name, address: household.address, lat: household.lat, lng: household.lng,
                   door_cards: !!household.door_cards },
      visited_at: now.toISOString(), location_source: "none", lat: null, lng: null, accuracy_m: null,
      notes: "", needs_raised: "", help_given: "", photo_consent: false, photos: [],
      created_at: now.toISOString(),
    };
    await saveVisit(draft);
    await load();
    openDraft(draft);
  }

  function openDraft(draft) {
    state.draft = draft;
    $("form-card").hidden = false;
    $("households-card").hidden = true;
    $("form-household").textContent = draft.household.head_name;
    $("form-address").textContent = draft.household.address;
    $("visited-at").value = localInputValue(new Date(draft.visited_at));
    $("notes").value = draft.notes;
    $("needs").value = draft.needs_raised;
    $("help").value = draft.help_given;
    $("consent").checked = draft.photo_consent;
    $("door-card-code").value = draft.door_card_code || "";
    $("door-card").hidden = !draft.household.door_cards;
    $("door-card-code").dispatchEvent(new Event("door-card-shown")); // static/js/door-card.js
    $("loc-address").disabled = draft.household.lat === null || draft.household.lat === undefined;
    $(`loc-${draft.location_source}`).checked = true;
    $("form-error").textContent = "";
    showLocation();
    renderThumbs();
    window.scrollTo(0, 0);
  }

  function closeForm() {
    state.draft = null;
    $("form-card").hidden = true;
    $("households-card").hidden = false;
    load().then(render);
  }

  let saveTimer = null;
  function rememberForm() {
    const d = state.draft;
    if (!d) return;
    const when = new Date($("visited-at").value);
    if (!isNaN(when)) d.visited_at = when.toISOString();
    d.notes = $("notes").value;
    d.needs_raised = $("needs").value;
    d.help_given = $("help").value;
    d.photo_consent = $("consent").checked;
    d.door_card_code = $("door-card-code").value || null;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => saveVisit(d), 250);
  }

  function showLocation() {
    const d = state.draft;
    const status = $("loc-status");
    if (d.location_source === "gps" && d.lat !== null) status.textContent = t("located", Math.round(d.accuracy_m || 0));
    else if (d.location_source === "address") status.textContent = t("at_address");
    else status.textContent = "";
  }

  function chooseLocation(source) {
    const d = state.draft;
    d.location_source = source;
    d.lat = d.lng = d.accuracy_m = null;
    showLocation();
    if (source === "address") {
      if (d.household.lat === null || d.household.lat === undefined) {
        $("loc-status").textContent = t("no_address_location");
        d.location_source = "none";
        $("loc-none").checked = true;
      } else {
        d.lat = d.household.lat; d.lng = d.household.lng;
      }
    }
    if (source === "gps") {
      $("loc-status").textContent = t("locating");
      if (!navigator.geolocation) { locationFailed(); return; }
      navigator.geolocation.getCurrentPosition((p) => {
        if (state.draft !== d) return;
        d.lat = p.coords.latitude; d.lng = p.coords.longitude; d.accuracy_m = p.coords.accuracy;
        showLocation();
        saveVisit(d);
      }, () => locationFailed(d), { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 });
    }
    saveVisit(d);
  }

  function locationFailed(d) {
    if (d && state.draft !== d) return;
    state.draft.location_source = "none";
    $("loc-none").checked = true;
    $("loc-status").textContent = t("loc_denied");
    saveVisit(state.draft);
  }

  async function addPhotos(files) {
    const d = state.draft;
    $("photo-status").textContent = t("shrinking");
    for (const file of files) {
      if (d.photos.length >= MAX_PHOTOS) { $("form-error").textContent = t("too_many_photos", MAX_PHOTOS); break; }
      // Shrunk by static/js/shrink.js, or refused from its header before the phone decodes it (the server's
      // limit and message).
      const prepared = await window.DoorstepShrink.prepare(file, maxPixels());
      const big = prepared.tooLarge;
      if (big) { $("form-error").textContent = t("too_large", big.width, big.height); continue; }
      const blob = prepared.file;
      if (!blob) { $("form-error").textContent = t("photo_failed"); continue; }
      const hash = await sha256Hex(blob);
      if (d.photos.some((p) => p.sha256 === hash)) continue;
      d.photos.push({ sha256: hash, blob, type: blob.type || "image/jpeg", size: blob.size, sent: false });
    }
    $("photo-status").textContent = "";
    await saveVisit(d);
    renderThumbs();
  }

  function renderThumbs() {
    const box = $("thumbs");
    for (const img of box.querySelectorAll("img")) URL.revokeObjectURL(img.src);
    box.innerHTML = "";
    const d = state.draft;
    d.photos.forEach((p, i) => {
      const url = URL.createObjectURL(p.blob);
      box.append(el("figure", {}, el("img", { src: url, alt: "" }),
        el("button", { type: "button", "aria-label": "remove", onclick: () => { d.photos.splice(i, 1); saveVisit(d); renderThumbs(); } }, "×")));
    });
  }

  async function finishVisit() {
    rememberForm();
    const d = state.draft;
    const error = $("form-error");
    const when = new Date(d.visited_at);
    if (isNaN(when) || when.getTime() > Date.now() + 10 * 60000) { error.textContent = t("bad_time"); return; }
    if (d.photos.length && !d.photo_consent) { error.textContent = t("need_consent"); return; }
    if (d.location_source === "gps" && d.lat === null) { error.textContent = t("need_location"); return; }
    clearTimeout(saveTimer);
    d.status = "queued";
    d.queued_at = new Date().toISOString();
    if (!d.user_id && state.account) d.user_id = state.account.id;
    await saveVisit(d);
    state.message = t("saved_queued");
    requestPersistence();
    closeForm();
    syncSoon(0);
  }

  async function discardDraft() {
    if (state.draft) await Store.remove("visits", state.draft.id);
    closeForm();
  }

  async function deleteVisit(v) {
    if (!confirm(t("confirm_delete"))) return;
    await Store.remove("visits", v.id);
    await load();
    render();
  }

  async function retryVisit(v) {
    v.status = "queued";
    delete v.reason;
    await saveVisit(v);
    await load();
    render();
    syncSoon(0);
  }

  // --- export --------------------------------------------------------------------------------
  const blobToDataUrl = (blob) => new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => resolve(null);
    reader.readAsDataURL(blob);
  });

  async function exportVisits(visits) {
    const out = [];
    for (const v of visits) {
      const photos = [];
      for (const p of v.photos || []) photos.push({ sha256: p.sha256, sent: p.sent, data_url: p.blob ? await blobToDataUrl(p.blob) : null });
      const { household, ...rest } = v;
      out.push({ ...rest, household, photos });
    }
    const blob = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), visits: out }, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob),
      download: `doorstep-visits-${new Date().toISOString().slice(0, 10)}-${visits.length === 1 ? visits[0].id.slice(0, 8) : "unsent"}.json` });
    document.body.append(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  // --- sync ----------------------------------------------------------------------------------
  // 4xx answers other than these mean the server will never take the visit as it is.
  const TRANSIENT = new Set([0, 401, 408, 425, 429]);
  const rejected = (res) => res.status >= 400 && res.status < 500 && !TRANSIENT.has(res.status)
    && !(res.body && res.body.code === "hash_mismatch");
  const reasonOf = (res) => (res.body && typeof res.body.detail === "string" ? res.body.detail : `HTTP ${res.status}`);

  function visitBody(v) {
    return JSON.stringify({
      household_id: v.household_id, visited_at: v.visited_at, location_source: v.location_source,
      lat: v.lat, lng: v.lng, accuracy_m: v.accuracy_m, notes: v.notes, needs_raised: v.needs_raised,
      help_given: v.help_given, photo_consent: v.photo_consent, door_card_code: v.door_card_code || null,
      photos: (v.photos || []).map((p) => p.sha256),
      queued_at: v.queued_at || null,  // late entry counts from when the phone queued it, not from arrival
    });
  }

  async function reject(v, res) {
    v.status = "rejected";
    v.reason = reasonOf(res);
    v.rejected_at = new Date().toISOString();
    state.refused = true;
    await saveVisit(v);
    return "next";
  }

  // Returns "next" (done with this visit), "auth" (token refused) or "stop" (try again later).
  async function sendVisit(v, token) {
    let res = await Store.request("PUT", `/api/v1/visits/${v.id}`, { token, body: visitBody(v), type: "application/json" });
    if (res.status === 401) return "auth";
    if (rejected(res)) return reject(v, res);
    if (!res.ok) return "stop";
    const missing = new Set(res.body.photos_missing || []);
    let receipt = res.body;
    for (const photo of v.photos || []) {
      if (!missing.has(photo.sha256)) { photo.sent = true; continue; }
      res = await Store.request("PUT", `/api/v1/visits/${v.id}/photos/${photo.sha256}`,
        { token, body: photo.blob, type: photo.type || "image/jpeg" });
      if (res.status === 401) { await saveVisit(v); return "auth"; }
      if (rejected(res)) return reject(v, res);
      if (!res.ok) { await saveVisit(v); return "stop"; }
      photo.sent = true;
      receipt = res.body;
      await saveVisit(v); // progress kept photo by photo: a cut-off sync resumes here
    }
    v.status = "sent";
    v.receipt = { id: receipt.id, server_time: receipt.server_time, photos: receipt.photos_stored };
    v.sent_at = new Date().toISOString();
    // The server has the photos now; free the phone's storage, keep the hashes as a record.
    v.photos = (v.photos || []).map((p) => ({ sha256: p.sha256, size: p.size, sent: true }));
    await saveVisit(v);
    return "next";
  }

  function syncSoon(delay) {
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(syncAll, delay);
  }

  async function syncAll() {
    if (state.syncing) { state.again = true; return; }
    if (!navigator.onLine) { state.message = Store.unsent(state.visits).visits ? t("offline_wait") : ""; render(); return; }
    state.syncing = true;
    state.message = t("sending");
    render();
    let trouble = false;
    try {
      let account = await Store.ensureToken(false);
      await load();
      const mine = () => state.visits.filter((v) => v.status === "queued" && account && v.user_id === account.user.id);
      for (const visit of mine()) {
        let outcome = await sendVisit(visit, account.token);
        if (outcome === "auth") {
          account = await Store.ensureToken(true);
          outcome = account ? await sendVisit(visit, account.token) : "stop";
        }
        if (outcome !== "next") { trouble = true; break; }
      }
      if (!account) trouble = false; // signed out: the page says so; nothing to retry until sign-in
    } catch (err) {
      trouble = true;
    } finally {
      state.syncing = false;
      await load();
      const left = Store.unsent(state.visits);
      state.message = trouble ? t("try_later") : (left.visits || left.rejected ? "" : t("sent_all"));
      // A refusal often means the pairing changed: bring the household list up to date.
      if (state.refused) { state.refused = false; Store.refreshAccount(0).then(load).then(render).catch(() => {}); }
      render();
      if (trouble) {
        syncSoon(state.backoff);
        state.backoff = Math.min(state.backoff * 2, 5 * 60000);
      } else {
        state.backoff = 5000;
      }
      if (state.again) { state.again = false; syncSoon(0); }
    }
  }

  function requestPersistence() {
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persist().then((granted) => { document.body.dataset.persisted = String(granted); })
        .catch(() => {});
    }
  }

  // --- start ---------------------------------------------------------------------------------
  async function start() {
    applyTexts();
    for (const id of ["notes", "needs", "help"]) $(id).maxLength = limit("max-visit-text", 4000);
    $("lang").addEventListener("click", () => { Store.setLang(Store.lang() === "zh" ? "en" : "zh"); applyTexts(); render();
      if (state.draft) { showLocation(); } });
    $("send-now").addEventListener("click", () => syncSoon(0));
    $("export-unsent").addEventListener("click", () => exportVisits(state.visits.filter((v) => v.status === "queued" || v.status === "rejected")));
    $("save-visit").addEventListener("click", finishVisit);
    $("close-form").addEventListener("click", () => { rememberForm(); closeForm(); });
    $("discard-draft").addEventListener("click", discardDraft);
    for (const id of ["visited-at", "notes", "needs", "help", "consent", "door-card-code"]) $(id).addEventListener("input", rememberForm);
    $("consent").addEventListener("change", rememberForm);
    for (const radio of document.querySelectorAll("input[name=loc]")) radio.addEventListener("change", () => chooseLocation(radio.value));
    $("photo-input").addEventListener("change", (e) => { const files = [...e.target.files]; e.target.value = ""; addPhotos(files); });
    window.addEventListener("online", () => { render(); Store.refreshAccount(60000).catch(() => {}).finally(() => syncSoon(0)); });
    window.addEventListener("offline", () => { state.message = ""; render(); });
    requestPersistence();
    await load();
    render();
    document.body.dataset.ready = "true";
    if (navigator.onLine) {
      try { await Store.refreshAccount(60000); } catch (err) { /* offline after all */ }
      await load();
      render();
      syncSoon(0);
    }
  }

  start();
})();
