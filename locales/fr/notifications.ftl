# Notifications (issue 19).
nav-notifications = Notifications
co-nav-notices = Notifications
