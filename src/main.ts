import { mount } from 'svelte';
import { registerSW } from 'virtual:pwa-register';
import { AppState } from './app';
import { Installation } from './app/Installation.svelte';
import { SiteData } from './app/SiteData.svelte';
import App from './ui/App.svelte';
import './ui/app.css';

const installation = new Installation(registerSW);
const app = new AppState();
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, props: { app, installation, siteData: new SiteData(installation) } });
void app.init();
installation.start();
