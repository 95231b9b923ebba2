/**
 * Start-up in short tasks. A module graph is evaluated in one task, so the app is loaded in a few
 * pieces with a yield between them — the model code, the fitted recipe (not the recipe index: a namespace import would keep every export, cleaning included, on the page), storage, then the state classes,
 * then the shell — and no single task keeps the main thread long (bench/bundle.ts measures it).
 */
import { registerSW } from 'virtual:pwa-register';
import { Installation } from './app/Installation.svelte';
import './ui/app.css';

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
const installation = new Installation(registerSW);

try {
  for (const step of [() => import('./core/models/registry'), () => import('./core/recipe/fitted-recipe'), () => import('./storage')]) {
    await step();
    await nextTask();
  }
  const { AppState } = await import('./app');
  await nextTask();
  const app = new AppState();
  const [{ mount }, { default: App }, { SiteData }] = await Promise.all([import('svelte'), import('./ui/App.svelte'), import('./app/SiteData.svelte')]);
  await nextTask();
  mount(App, { target, props: { app, installation, siteData: new SiteData(installation) } });
  void app.init();
} catch (e) {
  const p = document.createElement('p');
  p.className = 'problem';
  p.setAttribute('role', 'alert');
  p.textContent = `Loupe could not start (${e instanceof Error ? e.message : String(e)}). If you are offline, this browser has not kept Loupe for offline use yet; otherwise reload the page.`;
  target.replaceChildren(p);
}
installation.start();
