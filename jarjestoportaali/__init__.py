"""The project above the apps: the root URLs, the workspace pages and the area dashboard that read
every app, the navigation, and the demo data. The core (``portal``) and the feature apps never
import it."""
