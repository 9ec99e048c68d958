package com.example.receipts;

/** What a receipt is for, as producers send it: {"order": 42, "amount": 9.5, "currency": "EUR"}. */
public class Order {

    private long order;
    private double amount;
    private String currency;

    public long getOrder() {
        return order;
    }

    public void setOrder(long order) {
        this.order = order;
    }

    public double getAmount() {
        return amount;
    }

    public void setAmount(double amount) {
        this.amount = amount;
    }

    public String getCurrency() {
        return currency;
    }

    public void setCurrency(String currency) {
        this.currency = currency;
    }
}
