// Starts the app: the settings the server's page hands over, the page's language, the frame,
// and the start page or one lab.

import { LabApi } from "../api/rest";
import { I18n, pickLocale } from "../i18n";
import { readSettings } from "./settings";
import { Shell, storedLocale } from "./shell";
import { StartPage } from "./start-page";
import { LabPage } from "./lab-page";
import { ComparePage } from "./compare-page";

export function startApp(root: HTMLElement): void {
  const settings = readSettings(document, location);
  const i18n = new I18n(
    pickLocale({
      stored: storedLocale(),
      languages: navigator.languages,
      serverDefault: settings.defaultLocale,
    }),
  );
  const api = new LabApi(settings.apiBase, () => i18n.locale);
  const shell = new Shell(root, i18n, `${settings.basePath}/`);
  window.addEventListener("error", (e) => {
    // Benign browser notice, not an application error.
    if (!String(e.message).startsWith("ResizeObserver loop")) shell.error(String(e.message));
  });
  window.addEventListener("unhandledrejection", (e) => shell.error(shell.describe(e.reason)));
  if (settings.compare) new ComparePage(shell, settings, settings.compare, api);
  else if (settings.labId) new LabPage(shell, settings, settings.labId, api);
  else new StartPage(shell, settings, api);
}
