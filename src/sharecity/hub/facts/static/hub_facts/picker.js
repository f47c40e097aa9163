/* Pickers (sharecity.hub.facts.forms.PickerWidget): as the officer types a part of a name, the matches of
   their jurisdiction come from /api/v1/hub/lookup/... and are listed under the input (an ARIA combobox with
   a listbox); choosing one puts its key in a hidden input and shows its name. Without this script the typed
   text is sent and the server resolves it. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function fieldValue(form, name) {
    if (!name) return "";
    var hidden = form.querySelector("[data-picker][data-name='" + name + "'] input[type=hidden][name='" + name + "']");
    if (hidden) return hidden.value;
    var field = form.elements[name];
    return field && field.value ? field.value : "";
  }

  function setup(root) {
    var form = root.closest("form");
    var input = root.querySelector("[data-picker-input]");
    var listbox = root.querySelector("[data-picker-listbox]");
    var status = root.querySelector("[data-picker-status]");
    var chosen = root.querySelector("[data-picker-chosen]");
    var name = root.dataset.name;
    var multiple = root.hasAttribute("data-multiple");
    var sources = JSON.parse(root.dataset.sources || "{}");
    var items = [];
    var active = -1;
    var seq = 0;

    function source() {
      if (sources[""]) return sources[""];
      return sources[fieldValue(form, root.dataset.kindField)] || "";
    }

    function close() {
      listbox.hidden = true;
      listbox.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      items = [];
      active = -1;
    }

    function highlight(index) {
      var options = listbox.querySelectorAll("[role=option]");
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(item) {
      if (!multiple) chosen.innerHTML = "";
      if (chosen.querySelector("li[data-key='" + CSS.escape(item.key) + "']")) { close(); input.value = ""; return; }
      var li = document.createElement("li");
      li.dataset.key = item.key;
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = item.key;
      var label = document.createElement("span");
      label.className = "picker-label";
      label.textContent = item.label;
      var secondary = document.createElement("small");
      secondary.className = "muted";
      secondary.textContent = item.secondary;
      li.append(hidden, label, " ", secondary);
      if (multiple) {
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link small";
        remove.setAttribute("data-picker-remove", "");
        remove.setAttribute("aria-label", (root.dataset.removeLabel || "×") + " " + item.label);
        remove.textContent = "×";
        li.append(" ", remove);
      }
      chosen.append(li);
      input.value = multiple ? "" : item.label;
      close();
      status.textContent = item.label;
      root.dispatchEvent(new CustomEvent("picker:chosen", {bubbles: true, detail: item}));
    }

    function render(found) {
      listbox.innerHTML = "";
      items = found;
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = input.id + "_option_" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.key = item.key;
        var label = document.createElement("span");
        label.textContent = item.label;
        var secondary = document.createElement("small");
        secondary.className = "muted";
        secondary.textContent = item.secondary;
        option.append(label, " ", secondary);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        listbox.append(option);
      });
      listbox.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      status.textContent = (root.dataset.countLabel || "{n}").replace("{n}", String(found.length));
      active = -1;
    }

    var search = debounce(function () {
      var url = source();
      var q = input.value.trim();
      if (!url || !q) { close(); return; }
      var params = new URLSearchParams({q: q.slice(0, 60)});
      var platform = fieldValue(form, root.dataset.platformField);
      if (root.dataset.platformField && url.indexOf("/platforms") === -1) {
        if (!platform) { close(); status.textContent = root.dataset.platformFirst || ""; return; }
        params.set("platform", platform);
      }
      var mine = ++seq;
      fetch(url + "?" + params.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {items: []}; })
        .then(function (body) { if (mine === seq) render(body.items || []); })
        .catch(function () { if (mine === seq) close(); });
    }, 200);

    input.addEventListener("input", function () {
      if (!multiple) chosen.innerHTML = "";  // what was typed replaces the choice; the server resolves it
      search();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    chosen.addEventListener("click", function (event) {
      var button = event.target.closest("[data-picker-remove]");
      if (button) button.closest("li").remove();
    });
    if (root.dataset.platformField) {  // listings and subjects of another platform are no longer a choice
      form.addEventListener("picker:chosen", function (event) {
        if (event.target !== root && event.target.dataset.name === root.dataset.platformField) chosen.innerHTML = "";
      });
    }
    if (root.dataset.kindField && form.elements[root.dataset.kindField]) {
      form.elements[root.dataset.kindField].addEventListener("change", function () {
        chosen.innerHTML = "";
        input.value = "";
        close();
      });
    }
  }

  function init() { document.querySelectorAll("[data-picker]").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
