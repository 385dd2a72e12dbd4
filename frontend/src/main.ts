import "./styles.css";
import "./render/diagram.css";
import "./handout.css";
import { startApp } from "./app/app";
import { startHandout } from "./app/handout-page";

// The handout page (server-rendered, templates/handout.html) has its own root; every other page is the app.
const handout = document.getElementById("handout");
if (handout) startHandout(handout);
else startApp(document.getElementById("app") ?? document.body);
