import { mount } from 'svelte';
import { AppState } from './app';
import App from './ui/App.svelte';
import './ui/app.css';

const app = new AppState();
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, props: { app } });
void app.init();
