"""A tiny customer-lookup API, the kind of service the app team ships.

`search_customers` builds SQL from a request parameter (a planted SQL injection);
`get_customer` is its safe twin using a parameterised query.
"""

import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


def connect() -> sqlite3.Connection:
    return sqlite3.connect("customers.db")


@app.get("/customers/search")
def search_customers():
    name = request.args.get("name", "")
    query = f"SELECT id, name FROM customers WHERE name LIKE '%{name}%'"
    rows = connect().execute(query).fetchall()
    return jsonify(rows)


@app.get("/customers/<int:customer_id>")
def get_customer(customer_id: int):
    rows = connect().execute("SELECT id, name FROM customers WHERE id = ?", (customer_id,))
    return jsonify(rows.fetchall())


if __name__ == "__main__":
    app.run(debug=True)
