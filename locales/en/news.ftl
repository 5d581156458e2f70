# The citizen's news feed (issue 19).
nav-news = News
