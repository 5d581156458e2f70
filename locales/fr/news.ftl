# Le fil d’actualité du citoyen (issue 19).
nav-news = Actualités
