"""German, Spanish and French building blocks: per-category wording plus frames.

Non-English tickets describe the category of the problem with the product name and error
code, not the exact issue wording: that is what makes them harder for retrieval and models.
"""

from __future__ import annotations

# category → (subject phrase, body sentence with {product})
CATEGORY_PHRASES: dict[str, dict[str, tuple[str, str]]] = {
    "de": {
        "Connectivity": ("Verbindungsprobleme", "Unser {product} verliert ständig die Verbindung."),
        "Firmware & Updates": ("Update schlägt fehl", "Das Update für {product} schlägt fehl."),
        "Performance": ("Sehr langsam", "{product} ist seit Tagen extrem langsam."),
        "Installation & Setup": (
            "Einrichtung geht nicht",
            "Wir können {product} nicht einrichten.",
        ),
        "Hardware Fault": ("Gerät defekt", "Unser {product} scheint defekt zu sein."),
        "Data Sync": ("Synchronisierung fehlerhaft", "{product} synchronisiert nicht richtig."),
        "Login & Access": (
            "Anmeldung nicht möglich",
            "Wir können uns bei {product} nicht anmelden.",
        ),
        "Account Management": ("Problem mit dem Konto", "Unser {product}-Konto hat ein Problem."),
        "Billing & Payments": ("Falsche Rechnung", "Die Abrechnung für {product} ist falsch."),
        "Refunds": ("Rückerstattung fehlt", "Wir warten auf die Rückerstattung für {product}."),
        "Security": ("Sicherheitsproblem", "Wir sehen ein Sicherheitsproblem mit {product}."),
        "Integrations": ("Integration defekt", "Die Integration von {product} geht nicht mehr."),
    },
    "es": {
        "Connectivity": ("Problemas de conexión", "Nuestro {product} pierde la conexión."),
        "Firmware & Updates": ("Falla la actualización", "La actualización de {product} falla."),
        "Performance": ("Muy lento", "{product} funciona muy lento desde hace días."),
        "Installation & Setup": ("No se puede configurar", "No podemos configurar {product}."),
        "Hardware Fault": ("Equipo averiado", "Nuestro {product} parece estar averiado."),
        "Data Sync": ("Error de sincronización", "{product} no sincroniza bien los archivos."),
        "Login & Access": ("No puedo iniciar sesión", "No podemos iniciar sesión en {product}."),
        "Account Management": (
            "Problema con la cuenta",
            "Hay un problema con la cuenta de {product}.",
        ),
        "Billing & Payments": ("Factura incorrecta", "La factura de {product} es incorrecta."),
        "Refunds": ("Reembolso pendiente", "Seguimos esperando el reembolso de {product}."),
        "Security": ("Problema de seguridad", "Detectamos un problema de seguridad en {product}."),
        "Integrations": ("Integración rota", "La integración de {product} ya no funciona."),
    },
    "fr": {
        "Connectivity": ("Problème de connexion", "Notre {product} perd sans cesse la connexion."),
        "Firmware & Updates": ("Échec de la mise à jour", "La mise à jour de {product} échoue."),
        "Performance": ("Très lent", "{product} est très lent depuis plusieurs jours."),
        "Installation & Setup": ("Installation impossible", "Impossible d'installer {product}."),
        "Hardware Fault": ("Appareil en panne", "Notre {product} semble en panne."),
        "Data Sync": ("Erreur de synchronisation", "{product} ne synchronise pas nos fichiers."),
        "Login & Access": (
            "Connexion impossible",
            "Nous ne pouvons pas nous connecter à {product}.",
        ),
        "Account Management": ("Problème de compte", "Notre compte {product} pose problème."),
        "Billing & Payments": ("Facture erronée", "La facture de {product} est erronée."),
        "Refunds": ("Remboursement manquant", "Nous attendons le remboursement de {product}."),
        "Security": ("Problème de sécurité", "Nous avons un problème de sécurité avec {product}."),
        "Integrations": ("Intégration en panne", "L'intégration de {product} ne marche plus."),
    },
}

SUBJECT_FRAMES: dict[str, tuple[str, ...]] = {
    "de": ("{product}: {short}", "{short} - {product}", "Problem: {short} ({code})"),
    "es": ("{product}: {short}", "{short} - {product}", "Problema: {short} ({code})"),
    "fr": ("{product} : {short}", "{short} - {product}", "Problème : {short} ({code})"),
}
GREETINGS: dict[str, tuple[str, ...]] = {
    "de": ("Hallo,\n\n", "Guten Tag,\n\n", "Sehr geehrte Damen und Herren,\n\n"),
    "es": ("Hola,\n\n", "Buenos días,\n\n", "Estimado equipo de soporte,\n\n"),
    "fr": ("Bonjour,\n\n", "Madame, Monsieur,\n\n", "Bonjour l'équipe,\n\n"),
}
ERROR_FRAMES: dict[str, tuple[str, ...]] = {
    "de": (" Fehlercode: {code}.", " Es erscheint der Fehler {code}.", ""),
    "es": (" Código de error: {code}.", " Aparece el error {code}.", ""),
    "fr": (" Code d'erreur : {code}.", " L'erreur {code} s'affiche.", ""),
}
VERSION_FRAMES: dict[str, tuple[str, ...]] = {
    "de": (" Version {version}.", ""),
    "es": (" Versión {version}.", ""),
    "fr": (" Version {version}.", ""),
}
CLOSINGS: dict[str, tuple[str, ...]] = {
    "de": ("\n\nVielen Dank im Voraus.", "\n\nBitte um schnelle Hilfe!", "\n\nDanke."),
    "es": ("\n\nMuchas gracias de antemano.", "\n\n¡Necesitamos ayuda urgente!", "\n\nGracias."),
    "fr": ("\n\nMerci d'avance.", "\n\nMerci de nous aider rapidement !", "\n\nMerci."),
}
SIGN_OFFS: dict[str, tuple[str, ...]] = {
    "de": ("Viele Grüße", "Mit freundlichen Grüßen"),
    "es": ("Saludos", "Un saludo cordial"),
    "fr": ("Cordialement", "Bien à vous"),
}
PHONE_PREFIXES: dict[str, tuple[str, ...]] = {
    "de": ("Anruf (Deutsch): ",),
    "es": ("Llamada (español): ",),
    "fr": ("Appel (français) : ",),
}
