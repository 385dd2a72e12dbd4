import "./styles.css";
import "./render/diagram.css";
import { startApp } from "./app/app";

startApp(document.getElementById("app") ?? document.body);
